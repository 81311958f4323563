import { ApplicationError } from '../errors';

export const ACCESS_TOKENS = Symbol('AccessTokens');

/** What an access token says about its bearer. */
export interface AccessTokenClaims {
  /** The user id. */
  readonly sub: string;
  /** The tenant (account) id. */
  readonly tid: string;
  /** The user's role in that tenant when the token was issued. */
  readonly role: string;
  /** The sign-in session id: revoking the session ends its tokens at their next refresh. */
  readonly sid: string;
  /** Password change required: the bearer signed in with a generated password and may only change it. */
  readonly pwc?: boolean;
}

/** The claims of a token that verified, with its times in seconds since the epoch. */
export interface VerifiedAccessToken extends AccessTokenClaims {
  readonly iat: number;
  readonly exp: number;
}

export type AccessTokenErrorCode = 'TOKEN_INVALID' | 'TOKEN_EXPIRED';

/** The presented access token cannot be trusted: malformed, forged, not yet valid, or expired. */
export class AccessTokenError extends ApplicationError {
  constructor(
    override readonly code: AccessTokenErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

/** Short-lived signed bearer tokens, checked on every request without a store lookup. */
export interface AccessTokens {
  /** Signs the claims, valid from now for `ttlSeconds`. */
  issue(claims: AccessTokenClaims, ttlSeconds: number): string;
  /** The token's claims, or throws AccessTokenError (TOKEN_EXPIRED only for a genuine token past its expiry). */
  verify(token: string): VerifiedAccessToken;
}
