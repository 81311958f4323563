import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  SessionDetailsView,
  SessionEndReasonView,
  SessionHistoryPage,
  SessionListResponse,
  SessionRecordingView,
  SessionSourceView,
} from '@contracts/session-history.contracts';
import { Observable, firstValueFrom } from 'rxjs';

export const SESSIONS_URL = '/api/sessions';
export const SESSION_LINKS_URL = `${SESSIONS_URL}/links`;
export const SESSION_CODES_URL = `${SESSIONS_URL}/codes`;
export const SESSION_HISTORY_URL = `${SESSIONS_URL}/history`;
export const SESSION_HISTORY_CSV_URL = `${SESSIONS_URL}/history.csv`;
export const SESSION_RECORDING_SETTING_URL = '/api/account/session-recording';
/** The account view (`GET /api/accounts/:id`), which says whether sessions are recorded. */
export const accountUrl = (accountId: string): string => `/api/accounts/${encodeURIComponent(accountId)}`;
export const SUPPORT_LINKS_URL = '/api/support/links';
export const PERMALINK_PAGES_URL = '/api/p';

export const sessionUrl = (id: string): string => `${SESSIONS_URL}/${encodeURIComponent(id)}`;

/** Every source, in the order the history's filter offers them. */
export const SESSION_SOURCES: readonly SessionSourceView[] = ['console', 'link', 'connection-id', 'permalink', 'mobile'];
/** Why a session ended; the viewer hears it as a plain string, and shows any other as the server says it. */
export const END_REASONS: readonly string[] = ['technician', 'end-user', 'admin', 'agent-lost', 'expired'] satisfies readonly SessionEndReasonView[];

export type SessionScope = 'mine' | 'all';

export interface SupportLinkRequest {
  readonly ticket?: string;
  readonly endUserName?: string;
  readonly shorten?: boolean;
  readonly email?: string;
}

export interface SupportLinkCreated {
  readonly sessionId: string;
  readonly url: string;
  readonly shortUrl: string | null;
  readonly expiresAt: string;
  readonly emailed: boolean;
}

export interface ConnectionCodeIssued {
  readonly sessionId: string;
  readonly code: string;
  readonly expiresAt: string;
}

/** `GET /api/support/links/:token`, the end-user's page. */
export interface SupportLinkView {
  readonly technicianName: string;
  readonly ticket: string | null;
  readonly endUserName: string | null;
  readonly expiresAt: string;
  readonly state: 'open' | 'ended' | 'expired';
}

/** `GET /api/p/:accountId/:path`. */
export interface PermalinkView {
  readonly computerName: string;
  readonly public: boolean;
  readonly needsPassword: boolean;
}

/** `POST /api/p/:accountId/:path/open`: a guest gets a viewer token bound to the session. */
export interface PermalinkOpened {
  readonly sessionId: string;
  readonly viewerToken: string | null;
}

/** History filters as the server takes them (days already turned into instants). */
export interface HistoryParams {
  readonly computerId?: string;
  readonly from?: string;
  readonly to?: string;
  readonly technicianId?: string;
  readonly source?: string;
}

/** The sessions REST API (adapters/http sessions and history) as the console calls it; the interceptor adds the bearer token. */
@Injectable({ providedIn: 'root' })
export class SessionsApi {
  private readonly http = inject(HttpClient);

  /** One-click on a computer (console source); the session waits for the agent if it is offline. */
  open(computerId: string): Promise<{ sessionId: string }> {
    return firstValueFrom(this.http.post<{ sessionId: string }>(SESSIONS_URL, { computerId }));
  }

  createLink(request: SupportLinkRequest): Promise<SupportLinkCreated> {
    return firstValueFrom(this.http.post<SupportLinkCreated>(SESSION_LINKS_URL, request));
  }

  issueCode(): Promise<ConnectionCodeIssued> {
    return firstValueFrom(this.http.post<ConnectionCodeIssued>(SESSION_CODES_URL, {}));
  }

  /** Available connections and active sessions. */
  available(scope: SessionScope): Observable<SessionListResponse> {
    return this.http.get<SessionListResponse>(SESSIONS_URL, { params: { status: 'waiting,active', scope } });
  }

  get(id: string): Promise<SessionDetailsView> {
    return firstValueFrom(this.http.get<SessionDetailsView>(sessionUrl(id)));
  }

  history(params: HistoryParams & { limit: number; after?: string }): Promise<SessionHistoryPage> {
    return firstValueFrom(this.http.get<SessionHistoryPage>(SESSION_HISTORY_URL, { params: { ...params, limit: String(params.limit) } }));
  }

  terminate(id: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(sessionUrl(id)));
  }

  recording(id: string): Promise<SessionRecordingView> {
    return firstValueFrom(this.http.get<SessionRecordingView>(`${sessionUrl(id)}/recording`));
  }

  recordingChunk(id: string, chunk: number): Promise<ArrayBuffer> {
    return firstValueFrom(this.http.get(`${sessionUrl(id)}/recording/${chunk}`, { responseType: 'arraybuffer' }));
  }

  /** The account's recording setting; null when the server does not say. */
  async recordingSetting(accountId: string): Promise<boolean | null> {
    const account = await firstValueFrom(this.http.get<{ sessionRecording?: unknown }>(accountUrl(accountId)));
    return typeof account.sessionRecording === 'boolean' ? account.sessionRecording : null;
  }

  setRecording(enabled: boolean): Promise<unknown> {
    return firstValueFrom(this.http.put(SESSION_RECORDING_SETTING_URL, { enabled }));
  }

  supportLink(token: string): Promise<SupportLinkView> {
    return firstValueFrom(this.http.get<SupportLinkView>(`${SUPPORT_LINKS_URL}/${encodeURIComponent(token)}`));
  }

  permalink(accountId: string, path: string): Promise<PermalinkView> {
    return firstValueFrom(this.http.get<PermalinkView>(permalinkUrl(accountId, path)));
  }

  /** Opens a permalink's session: a signed-in user of the account by their token (the interceptor's), a guest by the password. */
  openPermalink(accountId: string, path: string, password: string | null): Promise<PermalinkOpened> {
    const body = password === null ? {} : { password };
    return firstValueFrom(this.http.post<PermalinkOpened>(`${permalinkUrl(accountId, path)}/open`, body));
  }
}

function permalinkUrl(accountId: string, path: string): string {
  return `${PERMALINK_PAGES_URL}/${encodeURIComponent(accountId)}/${encodeURIComponent(path)}`;
}
