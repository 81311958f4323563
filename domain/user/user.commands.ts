import type { PasswordWeakness } from '../shared/password-policy';
import type { Command } from '../shared/event';
import type { SignInMethod, UserRole } from './user.events';

/**
 * The outcome of checking a password against a stored hash, made by the application (argon2 is I/O).
 * `hash` is the hash it was checked against: a check made before the password changed counts as a mismatch.
 */
export type PasswordCheck = { readonly matches: boolean; readonly hash: string | null };

/** Commands carry facts established by the application (hashes, checks, policy results), never a password. */
export type RegisterUser = Command<
  'RegisterUser',
  {
    userId: string;
    accountId: string;
    email: string;
    role: UserRole;
    method: SignInMethod;
    /** A provider vouched for the email; an email registration proves it at the first sign-in instead. */
    emailVerified: boolean;
    /** Hash of the emailed password; required for email registrations. */
    generatedPasswordHash?: string;
  }
>;

export type SignIn = Command<
  'SignIn',
  {
    userId: string;
    sessionId: string;
    refreshTokenHash: string;
    method: SignInMethod;
    /** Required for `method: 'email'`; providers prove the identity themselves. */
    passwordCheck?: PasswordCheck;
  }
>;

export type RefreshSession = Command<
  'RefreshSession',
  { userId: string; sessionId: string; presentedTokenHash: string; newRefreshTokenHash: string }
>;

export type SignOut = Command<'SignOut', { userId: string; sessionId: string }>;

export type RevokeAllSessions = Command<'RevokeAllSessions', { userId: string; exceptSessionId?: string }>;

export type RequestRecovery = Command<'RequestRecovery', { userId: string; tokenHash: string }>;

export type CompleteRecovery = Command<
  'CompleteRecovery',
  { userId: string; tokenHash: string; newPasswordHash: string; weaknesses: readonly PasswordWeakness[] }
>;

export type ChangePassword = Command<
  'ChangePassword',
  {
    userId: string;
    currentPassword: PasswordCheck;
    newPasswordHash: string;
    weaknesses: readonly PasswordWeakness[];
    /** The new password verifies against the current hash. */
    sameAsCurrent: boolean;
    /** The session the change is made from stays open. */
    keepSessionId?: string;
  }
>;

/** The profile as typed; the decider validates it. */
export type UpdateProfile = Command<'UpdateProfile', { userId: string; profile: Readonly<Record<string, unknown>> }>;

export type FinishOnboarding = Command<'FinishOnboarding', { userId: string; outcome: 'dismissed' | 'completed' }>;

export type DeleteUser = Command<
  'DeleteUser',
  {
    userId: string;
    /** `self`: the user leaves; `account_deleted`: the owner deleted the account and every user goes with it. */
    reason: 'self' | 'account_deleted';
    /** Required when the user deletes themself (including the owner deleting the account). */
    passwordCheck?: PasswordCheck;
  }
>;

export type UserCommand =
  | RegisterUser
  | SignIn
  | RefreshSession
  | SignOut
  | RevokeAllSessions
  | RequestRecovery
  | CompleteRecovery
  | ChangePassword
  | UpdateProfile
  | FinishOnboarding
  | DeleteUser;
