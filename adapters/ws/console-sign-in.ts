import { AccessTokenError, type AccessTokens, type VerifiedAccessToken } from '../../application/ports/access-tokens.port';
import { USER_ROLES, type UserRole } from '../../domain/user/user.events';
import type { SessionCheck } from '../http/principal/session-revocations';
import type { NoticeViewer } from './notice-audience';

/** A console socket's signed-in user, from the access token of its last `hello`. */
export interface ConsoleUser {
  readonly viewer: NoticeViewer;
  readonly sessionId: string;
  /** The token's expiry: past it the socket is told TOKEN_EXPIRED and gets no more documents until a fresh hello. */
  readonly expiresAtMs: number;
}

/** Why a `hello` token was refused; the same codes as the HTTP API's 401/403 answers. */
export type ConsoleSignInRefusal = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'SESSION_REVOKED' | 'SESSION_UNKNOWN' | 'PASSWORD_CHANGE_REQUIRED' | 'UNAVAILABLE';

export type ConsoleSignIn = { readonly user: ConsoleUser } | { readonly refused: ConsoleSignInRefusal; readonly message: string };

/** What sign-in needs: the token verifier, and the session check of the `auth-sessions` read model. */
export interface ConsoleSignInDeps {
  readonly tokens: AccessTokens;
  readonly sessions: { check(tenantId: string, userId: string, sessionId: string): Promise<SessionCheck> };
}

/** What a session check found, as a refusal (undefined when the session is open). */
export function sessionRefusal(check: SessionCheck): Extract<ConsoleSignIn, { refused: unknown }> | undefined {
  switch (check) {
    case 'open':
      return undefined;
    case 'revoked':
      return { refused: 'SESSION_REVOKED', message: 'This session has ended: sign in again' };
    case 'unknown':
      return { refused: 'SESSION_UNKNOWN', message: 'This session is not known: sign in again' };
    default: {
      const unknownCheck: never = check;
      throw new Error(`unknown session check ${String(unknownCheck)}`);
    }
  }
}

/**
 * The user behind an access token, with the HTTP API's rules: the token verifies, names a known role,
 * is not a generated-password token (that one opens only the password change), and its session is
 * still open in the `auth-sessions` read model.
 */
export async function signInConsole(deps: ConsoleSignInDeps, token: string): Promise<ConsoleSignIn> {
  let claims: VerifiedAccessToken;
  try {
    claims = deps.tokens.verify(token);
  } catch (error) {
    if (!(error instanceof AccessTokenError)) throw error;
    return error.code === 'TOKEN_EXPIRED'
      ? { refused: 'TOKEN_EXPIRED', message: 'The access token has expired: refresh it and say hello again' }
      : { refused: 'TOKEN_INVALID', message: 'The token is neither the operator token nor a valid access token' };
  }
  if (!USER_ROLES.includes(claims.role as UserRole)) return { refused: 'TOKEN_INVALID', message: 'The access token names no known role' };
  if (claims.pwc === true) return { refused: 'PASSWORD_CHANGE_REQUIRED', message: 'Choose a new password first (POST /api/me/password)' };
  let check: SessionCheck;
  try {
    check = await deps.sessions.check(claims.tid, claims.sub, claims.sid);
  } catch {
    return { refused: 'UNAVAILABLE', message: 'The session could not be checked; say hello again later' };
  }
  const refusal = sessionRefusal(check);
  if (refusal) return refusal;
  return {
    user: {
      viewer: { kind: 'user', id: claims.sub, tenantId: claims.tid, role: claims.role as UserRole },
      sessionId: claims.sid,
      expiresAtMs: claims.exp * 1000,
    },
  };
}
