import { DOCUMENT } from '@angular/common';
import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { LoginRequest, MeView, OnboardingRequest, TokenPair } from '@contracts/auth.contracts';
import { firstValueFrom } from 'rxjs';

import { DateTimeService, browserTimeZone } from '../date-time/date-time.service';
import { LanguageService } from '../i18n/language.service';
import { isLanguageCode } from '../i18n/languages';
import { AUTH_API } from './auth-api';

/**
 * Where the refresh token is kept between visits.
 *
 * Trade-off: localStorage survives reloads and is shared by the tabs, so a user stays signed in for the
 * token's 30 days; but any script running in the page (an XSS) can read it, which an httpOnly cookie would
 * prevent. The server hands tokens out in JSON bodies, so a cookie is not an option today. What limits the
 * damage: the access token (15 min) lives in memory only; the refresh token is single-use and rotated, and
 * presenting an old one revokes the whole session, so a stolen token is detected the next time either
 * party uses it; the console never renders server text as HTML.
 */
export const REFRESH_TOKEN_STORAGE_KEY = 'switchboard.refreshToken';
/** Serializes refreshes across tabs: two tabs rotating the same token would look like theft to the server. */
const REFRESH_LOCK = 'switchboard.auth.refresh';

/** Why a session ended: the user signed out, or the server refused it (expired, revoked, reused, deleted). */
export type SessionEndReason = 'signed-out' | 'expired' | 'deleted';

/** Refresh answers that mean the refresh token is dead: sign in again. Anything else (network, 5xx) keeps it. */
const isRefusal = (error: unknown): boolean =>
  error instanceof HttpErrorResponse && error.status >= 400 && error.status < 500;

/**
 * The signed-in session: the access token in memory, the refresh token in localStorage, the user's
 * `MeView`. Refreshes run one at a time (one in flight per tab, one at a time across tabs); the user's
 * profile sets the console language, time zone and 12/24 h format.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly language = inject(LanguageService);
  private readonly dateTime = inject(DateTimeService);
  private readonly window = inject(DOCUMENT).defaultView;

  private readonly access = signal<string | null>(null);
  private readonly meView = signal<MeView | null>(null);
  private readonly mustChange = signal(false);
  /** Used only when localStorage is unavailable (privacy modes): the session then lasts for the tab. */
  private memoryRefreshToken: string | null = null;
  private refreshing: Promise<string> | null = null;
  private restoring: Promise<void> | null = null;
  /** The emailed password typed at sign-in, kept in memory so the forced change does not ask for it again. */
  private signInPassword: string | null = null;

  readonly accessToken = this.access.asReadonly();
  readonly me = this.meView.asReadonly();
  readonly signedIn = computed(() => this.access() !== null);
  readonly mustChangePassword = this.mustChange.asReadonly();

  constructor() {
    // Signing out in another tab removes the shared refresh token: this tab follows.
    const onStorage = (event: StorageEvent): void => {
      if (event.key === REFRESH_TOKEN_STORAGE_KEY && event.newValue === null && this.signedIn()) {
        this.endSession('signed-out');
        void this.router.navigate(['/sign-in'], { queryParams: { reason: 'signed-out' } });
      }
    };
    this.window?.addEventListener('storage', onStorage);
    inject(DestroyRef).onDestroy(() => this.window?.removeEventListener('storage', onStorage));
  }

  /** Resolves once a session kept from an earlier visit is restored (or known to be gone); guards wait for it. */
  ready(): Promise<void> {
    this.restoring ??= this.restore();
    return this.restoring;
  }

  /** Email and password; rejects with the server's HttpErrorResponse (401, 429...). */
  async signIn(request: LoginRequest): Promise<TokenPair> {
    const pair = await firstValueFrom(this.http.post<TokenPair>(AUTH_API.login, request));
    this.signInPassword = pair.mustChangePassword ? request.password : null;
    await this.acceptTokens(pair);
    return pair;
  }

  /** A new token pair (sign-in, social callback, password change): keep it and load who we are. */
  async acceptTokens(pair: TokenPair): Promise<void> {
    this.keepTokens(pair);
    await this.loadMe().catch(() => undefined);
  }

  /** The emailed password typed at sign-in, once; null after a reload or for a normal sign-in. */
  takeSignInPassword(): string | null {
    const password = this.signInPassword;
    this.signInPassword = null;
    return password;
  }

  /**
   * A fresh access token from the refresh token. Concurrent callers share one request; on a refusal
   * (expired, revoked, reused) the session ends and the promise rejects.
   */
  refresh(): Promise<string> {
    this.refreshing ??= this.lockedRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async loadMe(): Promise<MeView> {
    const me = await firstValueFrom(this.http.get<MeView>(AUTH_API.me));
    this.setMe(me);
    return me;
  }

  /** The user as the server now sees them (after a profile save, for instance); applies their preferences. */
  setMe(me: MeView): void {
    this.meView.set(me);
    this.mustChange.set(me.mustChangePassword);
    const profile = me.profile;
    if (!profile) return;
    if (isLanguageCode(profile.language) && profile.language !== this.language.current()) {
      void this.language.use(profile.language);
    }
    try {
      this.dateTime.setPreferences({ timeZone: profile.timeZone, hour12: profile.timeFormat === '12h' });
    } catch {
      // A zone this browser does not know: keep showing times in the browser's zone rather than failing.
    }
  }

  /** The tour was dismissed or completed: it must not show again, even before the server answers. */
  async recordOnboarding(outcome: OnboardingRequest['outcome']): Promise<void> {
    const me = this.meView();
    if (me) this.meView.set({ ...me, onboarding: outcome });
    const body: OnboardingRequest = { outcome };
    await firstValueFrom(this.http.post<void>(AUTH_API.onboarding, body)).catch(() => undefined);
  }

  /** Ends this session on the server (or every session), then here, and goes to the sign-in page. */
  async signOut(options: { everywhere?: boolean } = {}): Promise<void> {
    if (this.signedIn()) {
      const url = options.everywhere ? AUTH_API.logoutAll : AUTH_API.logout;
      // Signing out must work even when the server cannot be reached: the local session ends regardless.
      await firstValueFrom(this.http.post<void>(url, {})).catch(() => undefined);
    }
    this.endSession('signed-out');
    await this.router.navigate(['/sign-in'], { queryParams: { reason: 'signed-out' } });
  }

  /** Forgets the session here. Involuntary ends (expired, revoked) send the user to sign in, then back. */
  endSession(reason: SessionEndReason): void {
    const wasSignedIn = this.signedIn();
    this.access.set(null);
    this.meView.set(null);
    this.mustChange.set(false);
    this.signInPassword = null;
    this.writeRefreshToken(null);
    this.dateTime.setPreferences({ timeZone: browserTimeZone() });
    if (reason === 'expired' && wasSignedIn) {
      const returnUrl = this.router.url;
      void this.router.navigate(['/sign-in'], { queryParams: { reason, returnUrl } });
    }
  }

  private async restore(): Promise<void> {
    // Already signed in (this tab signed in before anything asked): nothing to restore.
    if (this.signedIn() || !this.readRefreshToken()) return;
    try {
      await this.refresh();
    } catch {
      return;
    }
    await this.loadMe().catch(() => undefined);
  }

  private async lockedRefresh(): Promise<string> {
    const locks = this.window?.navigator?.locks;
    if (!locks) return this.doRefresh();
    return await locks.request(REFRESH_LOCK, () => this.doRefresh());
  }

  private async doRefresh(): Promise<string> {
    // Read inside the lock: another tab may have rotated the token while this one waited.
    const refreshToken = this.readRefreshToken();
    if (!refreshToken) {
      this.endSession('expired');
      throw new Error('No refresh token: sign in again');
    }
    let pair: TokenPair;
    try {
      pair = await firstValueFrom(this.http.post<TokenPair>(AUTH_API.refresh, { refreshToken }));
    } catch (error) {
      if (isRefusal(error)) this.endSession('expired');
      throw error;
    }
    this.keepTokens(pair);
    return pair.accessToken;
  }

  private keepTokens(pair: TokenPair): void {
    this.writeRefreshToken(pair.refreshToken);
    this.access.set(pair.accessToken);
    this.mustChange.set(pair.mustChangePassword);
  }

  private readRefreshToken(): string | null {
    try {
      const storage = this.window?.localStorage;
      if (storage) return storage.getItem(REFRESH_TOKEN_STORAGE_KEY);
    } catch {
      // Storage refused: fall back to this tab's memory.
    }
    return this.memoryRefreshToken;
  }

  private writeRefreshToken(token: string | null): void {
    this.memoryRefreshToken = token;
    try {
      if (token === null) this.window?.localStorage.removeItem(REFRESH_TOKEN_STORAGE_KEY);
      else this.window?.localStorage.setItem(REFRESH_TOKEN_STORAGE_KEY, token);
    } catch {
      // Storage refused: the token stays in memory for this tab.
    }
  }
}
