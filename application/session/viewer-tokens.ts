import type { AccessTokens } from '../ports/access-tokens.port';

/**
 * A permalink guest's viewer token: an access token (HMAC-signed, short-lived) whose role is not a
 * user role, so that the HTTP API and the console refuse it; it names the one session it opens
 * (`sid`) and the guest (`sub` = `guest:<id>`).
 */
export const GUEST_VIEWER_ROLE = 'session-guest';
/** Long enough to open the viewer; the socket stays once joined. */
export const VIEWER_TOKEN_TTL_SECONDS = 600;

export const issueViewerToken = (tokens: AccessTokens, tenantId: string, sessionId: string, guestId: string): string =>
  tokens.issue({ sub: guestId, tid: tenantId, role: GUEST_VIEWER_ROLE, sid: sessionId }, VIEWER_TOKEN_TTL_SECONDS);
