import { DomainError } from '../shared/domain-error';
import { assertNever, type Decider, type Principal } from '../shared/event';
import { isValidEmail, normalizeEmail } from './email';
import type {
  ChangePassword,
  CompleteRecovery,
  DeleteUser,
  FinishOnboarding,
  PasswordCheck,
  RefreshSession,
  RegisterUser,
  RequestRecovery,
  RevokeAllSessions,
  SignIn,
  SignOut,
  UpdateProfile,
  UserCommand,
} from './user.commands';
import type { RefusalReason, RefusedAction, SessionRevocationReason, UserEvent } from './user.events';
import { sameProfile, validateProfile } from './user.profile';
import { evolve, initialState, type LiveUser, type UserState } from './user.state';
import { RECOVERY_TOKEN_TTL_MS, REFRESH_TOKEN_TTL_MS, addMilliseconds, hasExpired } from './user.time';

const isManager = (principal: Principal): boolean =>
  principal.role === 'owner' || principal.role === 'admin' || principal.role === 'operator';

const isSelf = (principal: Principal, userId: string): boolean => principal.kind === 'user' && principal.id === userId;

/** A user exists and is not deleted; a caller of another tenant learns nothing more than USER_FORBIDDEN. */
function assertLive(state: UserState, principal: Principal): LiveUser {
  if (state.status === 'none') throw new DomainError('USER_NOT_FOUND', 'No such user');
  if (principal.tenantId !== state.accountId) throw new DomainError('USER_FORBIDDEN', 'This user belongs to another account');
  if (state.status === 'deleted') throw new DomainError('USER_DELETED', 'This user has been deleted');
  return state;
}

/** Only the user themself acts on their credentials, profile and own deletion. */
function assertSelf(state: UserState, principal: Principal): LiveUser {
  const user = assertLive(state, principal);
  if (!isSelf(principal, user.userId)) throw new DomainError('USER_FORBIDDEN', 'Only the user may do this');
  return user;
}

/** The user, or an owner or admin of the same account (or an operator acting in it). */
function assertSelfOrManager(state: UserState, principal: Principal): LiveUser {
  const user = assertLive(state, principal);
  if (!isSelf(principal, user.userId) && !isManager(principal)) {
    throw new DomainError('USER_FORBIDDEN', 'Only the user or an owner or admin of the account may do this');
  }
  return user;
}

/** A password check counts only if it matched the hash the user has now. */
const passwordMatches = (user: LiveUser, check: PasswordCheck | undefined): boolean =>
  check !== undefined && check.matches && user.passwordHash !== null && check.hash === user.passwordHash;

function refused(user: LiveUser, action: RefusedAction, reason: RefusalReason, at: string, sessionId?: string): UserEvent[] {
  return [{ type: 'UserAttemptRefused', data: { userId: user.userId, action, reason, at, ...(sessionId ? { sessionId } : {}) } }];
}

/** Sessions still open at `now`, in a stable order. */
const openSessions = (user: LiveUser, now: string): string[] =>
  Object.keys(user.sessions)
    .filter((sid) => !hasExpired(user.sessions[sid].expiresAt, now))
    .sort();

function revokeSessions(user: LiveUser, sessionIds: readonly string[], reason: SessionRevocationReason, now: string): UserEvent[] {
  return sessionIds.map((sessionId) => ({
    type: 'UserSessionRevoked',
    data: { userId: user.userId, sessionId, reason, revokedAt: now },
  }));
}

/**
 * A user id is registered once, into the registrant's own account, by the person themself or by an
 * owner or admin of that account. An email registration starts pending with a generated password that
 * must be changed; a provider's registration is active at once but only with an email the provider verified.
 */
export function registerUser(command: RegisterUser, state: UserState): UserEvent[] {
  const { data, context } = command;
  const { principal, now } = context;
  if (state.status !== 'none') throw new DomainError('USER_ALREADY_EXISTS', 'This user already exists');
  if (principal.tenantId !== data.accountId) throw new DomainError('USER_FORBIDDEN', 'A user is registered into the caller’s account');
  if (!isSelf(principal, data.userId) && !isManager(principal)) {
    throw new DomainError('USER_FORBIDDEN', 'Only the person or an owner or admin of the account may register a user');
  }
  const email = normalizeEmail(data.email);
  if (!isValidEmail(email)) throw new DomainError('USER_EMAIL_INVALID', 'This is not an email address');
  const byEmail = data.method === 'email';
  if (byEmail && !data.generatedPasswordHash) {
    throw new DomainError('USER_PASSWORD_REQUIRED', 'An email registration needs its generated password');
  }
  if (!byEmail && !data.emailVerified) {
    throw new DomainError('USER_EMAIL_UNVERIFIED', 'The identity provider has not verified this email');
  }
  const registered: UserEvent = {
    type: 'UserRegistered',
    data: { userId: data.userId, accountId: data.accountId, email, role: data.role, method: data.method, activated: !byEmail, registeredAt: now },
  };
  if (!byEmail) return [registered];
  return [
    registered,
    {
      type: 'UserPasswordSet',
      data: { userId: data.userId, passwordHash: data.generatedPasswordHash as string, mustChange: true, reason: 'generated', setAt: now },
    },
  ];
}

/**
 * Email sign-in needs the current password (a wrong one is refused and recorded); a provider's sign-in
 * is proved by the provider. The first sign-in activates a pending user, who still has to change the
 * generated password. Each sign-in opens a session whose refresh token lives 30 days.
 */
export function signIn(command: SignIn, state: UserState): UserEvent[] {
  const { data, context } = command;
  const user = assertSelf(state, context.principal);
  if (data.method === 'email') {
    if (user.passwordHash === null) return refused(user, 'sign-in', 'no_password', context.now);
    if (!passwordMatches(user, data.passwordCheck)) return refused(user, 'sign-in', 'wrong_password', context.now);
  }
  if (user.sessions[data.sessionId] || user.endedSessions.includes(data.sessionId)) {
    throw new DomainError('USER_SESSION_EXISTS', 'This session id is already taken');
  }
  const activated: UserEvent[] = user.status === 'pending' ? [{ type: 'UserActivated', data: { userId: user.userId, activatedAt: context.now } }] : [];
  return [
    ...activated,
    {
      type: 'UserSignedIn',
      data: {
        userId: user.userId,
        sessionId: data.sessionId,
        refreshTokenHash: data.refreshTokenHash,
        method: data.method,
        expiresAt: addMilliseconds(context.now, REFRESH_TOKEN_TTL_MS),
        signedInAt: context.now,
      },
    },
  ];
}

/**
 * A refresh token is used once: the current one rotates to a new one for another 30 days. An earlier
 * token of the session means a copy was stolen: the whole session is revoked. An unknown, ended or
 * expired session is refused.
 */
export function refreshSession(command: RefreshSession, state: UserState): UserEvent[] {
  const { data, context } = command;
  const user = assertSelf(state, context.principal);
  const session = user.sessions[data.sessionId];
  if (!session) {
    const reason = user.endedSessions.includes(data.sessionId) ? 'revoked' : 'unknown';
    return refused(user, 'refresh', reason, context.now, data.sessionId);
  }
  if (session.previousHashes.includes(data.presentedTokenHash)) {
    return revokeSessions(user, [data.sessionId], 'token_reused', context.now);
  }
  if (session.refreshTokenHash !== data.presentedTokenHash) return refused(user, 'refresh', 'unknown', context.now, data.sessionId);
  if (hasExpired(session.expiresAt, context.now)) return refused(user, 'refresh', 'expired', context.now, data.sessionId);
  return [
    {
      type: 'UserSessionRefreshed',
      data: {
        userId: user.userId,
        sessionId: data.sessionId,
        refreshTokenHash: data.newRefreshTokenHash,
        expiresAt: addMilliseconds(context.now, REFRESH_TOKEN_TTL_MS),
        refreshedAt: context.now,
      },
    },
  ];
}

/** Signing out ends the user's own session; an ended or unknown session records nothing. */
export function signOut(command: SignOut, state: UserState): UserEvent[] {
  const { data, context } = command;
  const user = assertSelf(state, context.principal);
  if (!user.sessions[data.sessionId]) return [];
  return [{ type: 'UserSignedOut', data: { userId: user.userId, sessionId: data.sessionId, signedOutAt: context.now } }];
}

/** Every open session ends at once (but the one asked to stay); the user or an owner or admin of the account may do it. */
export function revokeAllSessions(command: RevokeAllSessions, state: UserState): UserEvent[] {
  const { data, context } = command;
  const user = assertSelfOrManager(state, context.principal);
  const sessions = openSessions(user, context.now).filter((sid) => sid !== data.exceptSessionId);
  return revokeSessions(user, sessions, 'revoke_all', context.now);
}

/** A recovery link is issued for one hour; a newer one replaces the outstanding one. */
export function requestRecovery(command: RequestRecovery, state: UserState): UserEvent[] {
  const { data, context } = command;
  const user = assertSelf(state, context.principal);
  if (user.recovery?.tokenHash === data.tokenHash || data.tokenHash in user.spentRecoveries) {
    throw new DomainError('USER_RECOVERY_TOKEN_REUSED', 'A recovery token is issued once');
  }
  return [
    {
      type: 'UserRecoveryRequested',
      data: {
        userId: user.userId,
        tokenHash: data.tokenHash,
        expiresAt: addMilliseconds(context.now, RECOVERY_TOKEN_TTL_MS),
        requestedAt: context.now,
      },
    },
  ];
}

/**
 * A recovery link works once, within its hour, and only the latest one; expired, spent, replaced and
 * unknown links are refused and recorded. It sets a new password that meets the policy, activates a
 * pending user (the link proved the email) and ends every session.
 */
export function completeRecovery(command: CompleteRecovery, state: UserState): UserEvent[] {
  const { data, context } = command;
  const user = assertSelf(state, context.principal);
  const now = context.now;
  if (user.recovery?.tokenHash !== data.tokenHash) {
    return refused(user, 'recovery', user.spentRecoveries[data.tokenHash] ?? 'unknown', now);
  }
  if (hasExpired(user.recovery.expiresAt, now)) return refused(user, 'recovery', 'expired', now);
  if (data.weaknesses.length > 0) return refused(user, 'recovery', 'weak_password', now);
  const activated: UserEvent[] = user.status === 'pending' ? [{ type: 'UserActivated', data: { userId: user.userId, activatedAt: now } }] : [];
  return [
    { type: 'UserRecoveryCompleted', data: { userId: user.userId, tokenHash: data.tokenHash, completedAt: now } },
    ...activated,
    { type: 'UserPasswordSet', data: { userId: user.userId, passwordHash: data.newPasswordHash, mustChange: false, reason: 'recovered', setAt: now } },
    ...revokeSessions(user, openSessions(user, now), 'password_changed', now),
  ];
}

/**
 * Changing the password needs the current one and a new one that meets the policy and differs from it;
 * it lifts the forced change and ends every other session. Each refusal is recorded.
 */
export function changePassword(command: ChangePassword, state: UserState): UserEvent[] {
  const { data, context } = command;
  const user = assertSelf(state, context.principal);
  const now = context.now;
  if (user.passwordHash === null) return refused(user, 'change-password', 'no_password', now);
  if (!passwordMatches(user, data.currentPassword)) return refused(user, 'change-password', 'wrong_password', now);
  if (data.weaknesses.length > 0) return refused(user, 'change-password', 'weak_password', now);
  if (data.sameAsCurrent) return refused(user, 'change-password', 'same_password', now);
  const others = openSessions(user, now).filter((sid) => sid !== data.keepSessionId);
  return [
    { type: 'UserPasswordSet', data: { userId: user.userId, passwordHash: data.newPasswordHash, mustChange: false, reason: 'changed', setAt: now } },
    ...revokeSessions(user, others, 'password_changed', now),
  ];
}

/** A user edits their own profile; every field is validated and an unchanged profile records nothing. */
export function updateProfile(command: UpdateProfile, state: UserState): UserEvent[] {
  const { data, context } = command;
  const user = assertSelf(state, context.principal);
  const profile = validateProfile(data.profile);
  if (sameProfile(user.profile, profile)) return [];
  return [{ type: 'UserProfileUpdated', data: { userId: user.userId, profile, updatedAt: context.now } }];
}

/** The onboarding tour ends once, dismissed or completed, and is not offered again. */
export function finishOnboarding(command: FinishOnboarding, state: UserState): UserEvent[] {
  const { data, context } = command;
  const user = assertSelf(state, context.principal);
  if (data.outcome !== 'dismissed' && data.outcome !== 'completed') {
    throw new DomainError('USER_ONBOARDING_OUTCOME_INVALID', 'The tour is either dismissed or completed');
  }
  if (user.onboarding !== 'pending') return [];
  return [{ type: 'UserOnboardingFinished', data: { userId: user.userId, outcome: data.outcome, finishedAt: context.now } }];
}

/**
 * A user deletes themself with the current password; an owner leaves only by deleting the account,
 * which deletes every user of it (the owner confirms with their password, the others need none).
 * Open sessions end first; the history stays, the personal data goes with the user's key.
 */
export function deleteUser(command: DeleteUser, state: UserState): UserEvent[] {
  const { data, context } = command;
  const { principal, now } = context;
  const user = assertLive(state, principal);
  const self = isSelf(principal, user.userId);
  if (data.reason === 'self') {
    if (!self) throw new DomainError('USER_FORBIDDEN', 'Only the user may delete themself');
    if (user.role === 'owner') throw new DomainError('USER_OWNER_DELETES_ACCOUNT', 'An owner leaves by deleting the account');
  } else if (principal.role !== 'owner' || principal.kind !== 'user') {
    throw new DomainError('USER_FORBIDDEN', 'Only the owner deletes the account and its users');
  }
  if (self) {
    if (user.passwordHash === null) return refused(user, 'delete-account', 'no_password', now);
    if (!passwordMatches(user, data.passwordCheck)) return refused(user, 'delete-account', 'wrong_password', now);
  }
  return [
    ...revokeSessions(user, Object.keys(user.sessions).sort(), 'account_deleted', now),
    { type: 'UserDeleted', data: { userId: user.userId, reason: data.reason, deletedAt: now } },
  ];
}

export function decide(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser':
      return registerUser(command, state);
    case 'SignIn':
      return signIn(command, state);
    case 'RefreshSession':
      return refreshSession(command, state);
    case 'SignOut':
      return signOut(command, state);
    case 'RevokeAllSessions':
      return revokeAllSessions(command, state);
    case 'RequestRecovery':
      return requestRecovery(command, state);
    case 'CompleteRecovery':
      return completeRecovery(command, state);
    case 'ChangePassword':
      return changePassword(command, state);
    case 'UpdateProfile':
      return updateProfile(command, state);
    case 'FinishOnboarding':
      return finishOnboarding(command, state);
    case 'DeleteUser':
      return deleteUser(command, state);
    default:
      return assertNever(command, 'user command');
  }
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = { decide, evolve, initialState };
