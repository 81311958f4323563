import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { EnvironmentProviders, Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { MeView, Profile, TokenPair } from '@contracts/auth.contracts';

import { AUTH_API } from '../app/auth/auth-api';
import { authInterceptor } from '../app/auth/auth.interceptor';
import { AuthService } from '../app/auth/auth.service';
import { provideConsoleAuth } from '../app/auth/provide-auth';
import { WEB_SOCKET_FACTORY } from '../app/console-link/console-socket.service';
import { provideI18n } from '../app/i18n/provide-i18n';
import { FakeSocketServer } from './fake-web-socket';

/**
 * HttpClient with the console's interceptor, answered by HttpTestingController; translations; an
 * in-memory console link that follows the session, so that no page ever opens a real socket.
 */
export function consoleTestProviders(sockets = new FakeSocketServer()): (Provider | EnvironmentProviders)[] {
  return [
    provideHttpClient(withInterceptors([authInterceptor])),
    provideHttpClientTesting(),
    provideI18n(),
    { provide: WEB_SOCKET_FACTORY, useValue: sockets.factory },
    provideConsoleAuth(),
  ];
}

let issued = 0;

/** A token pair as the server issues it; each call gives new tokens. */
export function tokenPair(overrides: Partial<TokenPair> = {}): TokenPair {
  issued += 1;
  return {
    accessToken: `access-${issued}`,
    refreshToken: `refresh-${issued}`,
    expiresIn: 900,
    mustChangePassword: false,
    ...overrides,
  };
}

export function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    firstName: 'Ann',
    lastName: 'Smith',
    country: 'GB',
    language: 'en',
    timeZone: 'Europe/London',
    timeFormat: '24h',
    ...overrides,
  };
}

export function meView(overrides: Partial<MeView> = {}): MeView {
  return {
    id: 'user-1',
    accountId: 'account-1',
    email: 'ann@example.com',
    role: 'owner',
    status: 'active',
    mustChangePassword: false,
    profile: profile(),
    onboarding: 'completed',
    ...overrides,
  };
}

/** Lets promise chains and the HTTP testing backend run, then renders. */
export async function settle(fixture?: { whenStable(): Promise<unknown> }): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve));
    await fixture?.whenStable();
  }
}

/** Puts the app in a signed-in state: tokens accepted, GET /api/me answered with `me`. */
export async function signedIn(me: MeView = meView(), pair: TokenPair = tokenPair()): Promise<void> {
  const http = TestBed.inject(HttpTestingController);
  const accepted = TestBed.inject(AuthService).acceptTokens({ ...pair, mustChangePassword: me.mustChangePassword });
  await settle();
  http.expectOne(AUTH_API.me).flush(me);
  await accepted;
}
