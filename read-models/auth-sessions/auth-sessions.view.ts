import type { SessionRevocationReason, SignInMethod } from '../../domain/user/user.events';

/**
 * One sign-in session, by its id (the `sid` of access tokens). An access token whose session is
 * revoked, or missing, is refused.
 */
export type AuthSessionView = {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly method: SignInMethod;
  /** SHA-256 of the current refresh token. */
  readonly refreshTokenHash: string;
  readonly expiresAt: string;
  readonly signedInAt: string;
  readonly refreshedAt: string | null;
  readonly revoked: boolean;
  readonly endedAt: string | null;
  readonly endReason: 'signed_out' | SessionRevocationReason | null;
  readonly _pos?: string;
};
