import type { Event } from '../shared/event';
import type { UserProfile } from './user.profile';

export type UserRole = 'owner' | 'admin' | 'technician';
export const USER_ROLES: readonly UserRole[] = ['owner', 'admin', 'technician'];

/** How a user proved who they are: the emailed password, or an identity provider. */
export type SignInMethod = 'email' | 'google' | 'facebook' | 'oidc';

export type PasswordSetReason = 'generated' | 'changed' | 'recovered';

export type SessionRevocationReason = 'token_reused' | 'password_changed' | 'revoke_all' | 'account_deleted';

export type RefusedAction = 'sign-in' | 'change-password' | 'delete-account' | 'recovery' | 'refresh';

/**
 * Why an attempt on a known user was refused. Stable codes: the audit log and the HTTP adapter key on them.
 * - wrong_password: the password given is not the current one
 * - no_password: the user has no password (registered through a provider)
 * - weak_password: the new password breaks the password policy
 * - same_password: the new password is the current one
 * - expired / used / superseded / unknown: the recovery link or refresh token is past its time, spent,
 *   replaced by a newer one, or was never issued
 * - revoked: the session has ended
 */
export type RefusalReason =
  | 'wrong_password'
  | 'no_password'
  | 'weak_password'
  | 'same_password'
  | 'expired'
  | 'used'
  | 'superseded'
  | 'unknown'
  | 'revoked';

/** A user exists in a tenant. An email registration starts pending until its first sign-in. */
export type UserRegistered = Event<
  'UserRegistered',
  { userId: string; accountId: string; email: string; role: UserRole; method: SignInMethod; activated: boolean; registeredAt: string }
>;

/** The password changed; only its argon2id hash is kept, and it is encrypted with the user's key. */
export type UserPasswordSet = Event<
  'UserPasswordSet',
  { userId: string; passwordHash: string; mustChange: boolean; reason: PasswordSetReason; setAt: string }
>;

/** The user proved their email (first sign-in, a verified provider, or a recovery link). */
export type UserActivated = Event<'UserActivated', { userId: string; activatedAt: string }>;

/** A sign-in session began; only the SHA-256 of its refresh token is kept. */
export type UserSignedIn = Event<
  'UserSignedIn',
  { userId: string; sessionId: string; refreshTokenHash: string; method: SignInMethod; expiresAt: string; signedInAt: string }
>;

/** The session's refresh token was used and replaced by a new one. */
export type UserSessionRefreshed = Event<
  'UserSessionRefreshed',
  { userId: string; sessionId: string; refreshTokenHash: string; expiresAt: string; refreshedAt: string }
>;

export type UserSignedOut = Event<'UserSignedOut', { userId: string; sessionId: string; signedOutAt: string }>;

export type UserSessionRevoked = Event<
  'UserSessionRevoked',
  { userId: string; sessionId: string; reason: SessionRevocationReason; revokedAt: string }
>;

/** An attempt on this user was refused; recorded so that the audit log shows it. */
export type UserAttemptRefused = Event<
  'UserAttemptRefused',
  { userId: string; action: RefusedAction; reason: RefusalReason; at: string; sessionId?: string }
>;

/** A recovery link was issued; only the SHA-256 of its token is kept. */
export type UserRecoveryRequested = Event<
  'UserRecoveryRequested',
  { userId: string; tokenHash: string; expiresAt: string; requestedAt: string }
>;

export type UserRecoveryCompleted = Event<'UserRecoveryCompleted', { userId: string; tokenHash: string; completedAt: string }>;

export type UserProfileUpdated = Event<'UserProfileUpdated', { userId: string; profile: UserProfile; updatedAt: string }>;

export type UserOnboardingFinished = Event<
  'UserOnboardingFinished',
  { userId: string; outcome: 'dismissed' | 'completed'; finishedAt: string }
>;

/** The user is gone. Their history stays; their personal data goes with their subject key. */
export type UserDeleted = Event<'UserDeleted', { userId: string; reason: 'self' | 'account_deleted'; deletedAt: string }>;

export type UserEvent =
  | UserRegistered
  | UserPasswordSet
  | UserActivated
  | UserSignedIn
  | UserSessionRefreshed
  | UserSignedOut
  | UserSessionRevoked
  | UserAttemptRefused
  | UserRecoveryRequested
  | UserRecoveryCompleted
  | UserProfileUpdated
  | UserOnboardingFinished
  | UserDeleted;

export const USER_EVENT_TYPES: readonly UserEvent['type'][] = [
  'UserRegistered',
  'UserPasswordSet',
  'UserActivated',
  'UserSignedIn',
  'UserSessionRefreshed',
  'UserSignedOut',
  'UserSessionRevoked',
  'UserAttemptRefused',
  'UserRecoveryRequested',
  'UserRecoveryCompleted',
  'UserProfileUpdated',
  'UserOnboardingFinished',
  'UserDeleted',
];
