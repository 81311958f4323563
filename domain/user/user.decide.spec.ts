import { deciderSpec } from '../../tests/kit/decider-spec';
import type { Principal } from '../shared/event';
import type { UserCommand } from './user.commands';
import { userDecider } from './user.decide';
import type { UserEvent } from './user.events';

const t0 = '2026-11-21T10:00:00.000Z';
const now = '2026-11-21T12:00:00.000Z';
const in30Days = '2026-12-21T12:00:00.000Z';
const inOneHour = '2026-11-21T13:00:00.000Z';

const me: Principal = { kind: 'user', id: 'u1', tenantId: 'a1', role: 'technician' };
const ownerOfA1: Principal = { kind: 'user', id: 'u0', tenantId: 'a1', role: 'owner' };
const colleague: Principal = { kind: 'user', id: 'u2', tenantId: 'a1', role: 'technician' };
const stranger: Principal = { kind: 'user', id: 'u9', tenantId: 'a2', role: 'owner' };

const spec = deciderSpec(userDecider);
const cmd = <T extends UserCommand['type']>(type: T, data: Extract<UserCommand, { type: T }>['data'], principal = me, at = now) =>
  ({ type, data, context: { now: at, principal } }) as Extract<UserCommand, { type: T }>;

const registered = (method: 'email' | 'google' = 'email', role: 'owner' | 'technician' = 'technician'): UserEvent => ({
  type: 'UserRegistered',
  data: { userId: 'u1', accountId: 'a1', email: 'jo@example.com', role, method, activated: method !== 'email', registeredAt: t0 },
});
const generated: UserEvent = {
  type: 'UserPasswordSet',
  data: { userId: 'u1', passwordHash: 'H0', mustChange: true, reason: 'generated', setAt: t0 },
};
const activated: UserEvent = { type: 'UserActivated', data: { userId: 'u1', activatedAt: t0 } };
const signedIn = (sessionId: string, hash: string, expiresAt = in30Days): UserEvent => ({
  type: 'UserSignedIn',
  data: { userId: 'u1', sessionId, refreshTokenHash: hash, method: 'email', expiresAt, signedInAt: t0 },
});
const refreshed = (sessionId: string, hash: string): UserEvent => ({
  type: 'UserSessionRefreshed',
  data: { userId: 'u1', sessionId, refreshTokenHash: hash, expiresAt: in30Days, refreshedAt: t0 },
});
const refusedEvent = (action: string, reason: string, sessionId?: string): UserEvent =>
  ({ type: 'UserAttemptRefused', data: { userId: 'u1', action, reason, at: now, ...(sessionId ? { sessionId } : {}) } }) as UserEvent;
const revoked = (sessionId: string, reason: string): UserEvent =>
  ({ type: 'UserSessionRevoked', data: { userId: 'u1', sessionId, reason, revokedAt: now } }) as UserEvent;
/** An active email user with the password H0 and one session s1. */
const activeUser: UserEvent[] = [registered(), generated, activated, signedIn('s1', 'R1')];
const ok = { matches: true, hash: 'H0' };
const wrong = { matches: false, hash: 'H0' };

describe('User decider: registration', () => {
  it('registers an email user pending, with the generated password to change', () => {
    spec
      .given([])
      .when(cmd('RegisterUser', { userId: 'u1', accountId: 'a1', email: ' Jo@Example.com ', role: 'technician', method: 'email', emailVerified: false, generatedPasswordHash: 'H0' }))
      .then([
        { type: 'UserRegistered', data: { userId: 'u1', accountId: 'a1', email: 'jo@example.com', role: 'technician', method: 'email', activated: false, registeredAt: now } },
        { type: 'UserPasswordSet', data: { userId: 'u1', passwordHash: 'H0', mustChange: true, reason: 'generated', setAt: now } },
      ]);
  });

  it('registers a provider user active at once, without a password', () => {
    spec
      .given([])
      .when(cmd('RegisterUser', { userId: 'u1', accountId: 'a1', email: 'jo@example.com', role: 'technician', method: 'google', emailVerified: true }))
      .then([{ ...registered('google'), data: { ...registered('google').data, registeredAt: now } } as UserEvent]);
  });

  it('refuses a provider email the provider has not verified', () => {
    spec
      .given([])
      .when(cmd('RegisterUser', { userId: 'u1', accountId: 'a1', email: 'jo@example.com', role: 'technician', method: 'google', emailVerified: false }))
      .thenThrows('USER_EMAIL_UNVERIFIED');
  });

  it('refuses an email registration without its generated password', () => {
    spec
      .given([])
      .when(cmd('RegisterUser', { userId: 'u1', accountId: 'a1', email: 'jo@example.com', role: 'technician', method: 'email', emailVerified: false }))
      .thenThrows('USER_PASSWORD_REQUIRED');
  });

  it.each(['', 'jo', 'jo@', '@example.com', 'jo@example', 'j o@example.com'])('refuses the email %j', (email) => {
    spec
      .given([])
      .when(cmd('RegisterUser', { userId: 'u1', accountId: 'a1', email, role: 'technician', method: 'email', emailVerified: false, generatedPasswordHash: 'H0' }))
      .thenThrows('USER_EMAIL_INVALID');
  });

  it('registers a user id once', () => {
    spec
      .given([registered()])
      .when(cmd('RegisterUser', { userId: 'u1', accountId: 'a1', email: 'jo@example.com', role: 'technician', method: 'email', emailVerified: false, generatedPasswordHash: 'H0' }))
      .thenThrows('USER_ALREADY_EXISTS');
  });

  it('lets an owner add a user to their account, but not a technician or another tenant', () => {
    const data = { userId: 'u1', accountId: 'a1', email: 'jo@example.com', role: 'technician', method: 'email', emailVerified: false, generatedPasswordHash: 'H0' } as const;
    expect(userDecider.decide(cmd('RegisterUser', data, ownerOfA1), userDecider.initialState())).toHaveLength(2);
    spec.given([]).when(cmd('RegisterUser', data, colleague)).thenThrows('USER_FORBIDDEN');
    spec.given([]).when(cmd('RegisterUser', data, stranger)).thenThrows('USER_FORBIDDEN');
  });
});

describe('User decider: sign-in', () => {
  const signIn = (passwordCheck = ok, principal = me) =>
    cmd('SignIn', { userId: 'u1', sessionId: 's2', refreshTokenHash: 'R2', method: 'email', passwordCheck }, principal);
  const signedInNow: UserEvent = {
    type: 'UserSignedIn',
    data: { userId: 'u1', sessionId: 's2', refreshTokenHash: 'R2', method: 'email', expiresAt: in30Days, signedInAt: now },
  };

  it('activates a pending user at the first sign-in; the generated password still has to change', () => {
    spec
      .given([registered(), generated])
      .when(signIn())
      .then([{ type: 'UserActivated', data: { userId: 'u1', activatedAt: now } }, signedInNow]);
    const state = [registered(), generated, ...userDecider.decide(signIn(), userDecider.evolve(userDecider.evolve(userDecider.initialState(), registered()), generated))].reduce(
      userDecider.evolve,
      userDecider.initialState(),
    );
    expect(state).toMatchObject({ status: 'active', mustChangePassword: true });
  });

  it('opens a 30-day session for an active user', () => {
    spec.given(activeUser).when(signIn()).then([signedInNow]);
  });

  it('records a wrong password as a refused attempt and opens nothing', () => {
    spec.given(activeUser).when(signIn(wrong)).then([refusedEvent('sign-in', 'wrong_password')]);
  });

  it('counts a check made against a hash that has since changed as wrong', () => {
    spec.given(activeUser).when(signIn({ matches: true, hash: 'older' })).then([refusedEvent('sign-in', 'wrong_password')]);
  });

  it('refuses a password sign-in for a user who has no password', () => {
    spec.given([registered('google')]).when(signIn()).then([refusedEvent('sign-in', 'no_password')]);
  });

  it('signs a provider user in without a password', () => {
    spec
      .given([registered('google')])
      .when(cmd('SignIn', { userId: 'u1', sessionId: 's2', refreshTokenHash: 'R2', method: 'google' }))
      .then([{ ...signedInNow, data: { ...signedInNow.data, method: 'google' } } as UserEvent]);
  });

  it('refuses another tenant, another user and a deleted or unknown user', () => {
    spec.given(activeUser).when(signIn(ok, stranger)).thenThrows('USER_FORBIDDEN');
    spec.given(activeUser).when(signIn(ok, colleague)).thenThrows('USER_FORBIDDEN');
    spec.given([...activeUser, { type: 'UserDeleted', data: { userId: 'u1', reason: 'self', deletedAt: t0 } }]).when(signIn()).thenThrows('USER_DELETED');
    spec.given([]).when(signIn()).thenThrows('USER_NOT_FOUND');
  });

  it('refuses a session id that was already used', () => {
    spec
      .given(activeUser)
      .when(cmd('SignIn', { userId: 'u1', sessionId: 's1', refreshTokenHash: 'R9', method: 'email', passwordCheck: ok }))
      .thenThrows('USER_SESSION_EXISTS');
  });
});

describe('User decider: sessions', () => {
  const refresh = (presentedTokenHash: string, at = now) =>
    cmd('RefreshSession', { userId: 'u1', sessionId: 's1', presentedTokenHash, newRefreshTokenHash: 'R3' }, me, at);

  it('rotates the current refresh token', () => {
    spec
      .given([...activeUser, refreshed('s1', 'R2')])
      .when(refresh('R2'))
      .then([{ type: 'UserSessionRefreshed', data: { userId: 'u1', sessionId: 's1', refreshTokenHash: 'R3', expiresAt: in30Days, refreshedAt: now } }]);
  });

  it('revokes the whole session when an earlier token comes back', () => {
    spec.given([...activeUser, refreshed('s1', 'R2')]).when(refresh('R1')).then([revoked('s1', 'token_reused')]);
  });

  it('refuses an expired session, an unknown token and an ended session', () => {
    spec.given(activeUser).when(refresh('R1', '2027-01-01T00:00:00.000Z')).then([
      { type: 'UserAttemptRefused', data: { userId: 'u1', action: 'refresh', reason: 'expired', at: '2027-01-01T00:00:00.000Z', sessionId: 's1' } },
    ]);
    spec.given(activeUser).when(refresh('nope')).then([refusedEvent('refresh', 'unknown', 's1')]);
    spec.given([...activeUser, revoked('s1', 'revoke_all')]).when(refresh('R1')).then([refusedEvent('refresh', 'revoked', 's1')]);
    spec
      .given(activeUser)
      .when(cmd('RefreshSession', { userId: 'u1', sessionId: 'zz', presentedTokenHash: 'R1', newRefreshTokenHash: 'R3' }))
      .then([refusedEvent('refresh', 'unknown', 'zz')]);
  });

  it('signs out of an open session once', () => {
    spec
      .given(activeUser)
      .when(cmd('SignOut', { userId: 'u1', sessionId: 's1' }))
      .then([{ type: 'UserSignedOut', data: { userId: 'u1', sessionId: 's1', signedOutAt: now } }]);
    spec.given([...activeUser, { type: 'UserSignedOut', data: { userId: 'u1', sessionId: 's1', signedOutAt: now } }]).when(cmd('SignOut', { userId: 'u1', sessionId: 's1' })).then([]);
  });

  it('lets nobody else sign the user out', () => {
    spec.given(activeUser).when(cmd('SignOut', { userId: 'u1', sessionId: 's1' }, ownerOfA1)).thenThrows('USER_FORBIDDEN');
  });

  it('revokes every open, unexpired session but the one asked to stay', () => {
    const given = [...activeUser, signedIn('s2', 'R2'), signedIn('s3', 'R3'), signedIn('old', 'R4', '2026-11-01T00:00:00.000Z')];
    spec.given(given).when(cmd('RevokeAllSessions', { userId: 'u1', exceptSessionId: 's2' })).then([revoked('s1', 'revoke_all'), revoked('s3', 'revoke_all')]);
  });

  it('lets an owner of the account revoke a user’s sessions, not a colleague or another tenant', () => {
    spec.given(activeUser).when(cmd('RevokeAllSessions', { userId: 'u1' }, ownerOfA1)).then([revoked('s1', 'revoke_all')]);
    spec.given(activeUser).when(cmd('RevokeAllSessions', { userId: 'u1' }, colleague)).thenThrows('USER_FORBIDDEN');
    spec.given(activeUser).when(cmd('RevokeAllSessions', { userId: 'u1' }, stranger)).thenThrows('USER_FORBIDDEN');
  });
});

describe('User decider: recovery', () => {
  const requested = (tokenHash: string, expiresAt = inOneHour): UserEvent => ({
    type: 'UserRecoveryRequested',
    data: { userId: 'u1', tokenHash, expiresAt, requestedAt: now },
  });
  const complete = (tokenHash: string, at = now, weaknesses: ('too_short' | 'common_pattern')[] = []) =>
    cmd('CompleteRecovery', { userId: 'u1', tokenHash, newPasswordHash: 'H1', weaknesses }, me, at);

  it('issues a link valid for one hour', () => {
    spec.given(activeUser).when(cmd('RequestRecovery', { userId: 'u1', tokenHash: 'K1' })).then([requested('K1')]);
  });

  it('refuses to issue the same token twice', () => {
    spec.given([...activeUser, requested('K1')]).when(cmd('RequestRecovery', { userId: 'u1', tokenHash: 'K1' })).thenThrows('USER_RECOVERY_TOKEN_REUSED');
  });

  it('sets the new password and ends every session', () => {
    spec
      .given([...activeUser, requested('K1')])
      .when(complete('K1'))
      .then([
        { type: 'UserRecoveryCompleted', data: { userId: 'u1', tokenHash: 'K1', completedAt: now } },
        { type: 'UserPasswordSet', data: { userId: 'u1', passwordHash: 'H1', mustChange: false, reason: 'recovered', setAt: now } },
        revoked('s1', 'password_changed'),
      ]);
  });

  it('activates a pending user, since the link proved the email', () => {
    spec
      .given([registered(), generated, requested('K1')])
      .when(complete('K1'))
      .then([
        { type: 'UserRecoveryCompleted', data: { userId: 'u1', tokenHash: 'K1', completedAt: now } },
        { type: 'UserActivated', data: { userId: 'u1', activatedAt: now } },
        { type: 'UserPasswordSet', data: { userId: 'u1', passwordHash: 'H1', mustChange: false, reason: 'recovered', setAt: now } },
      ]);
  });

  it('refuses a used, a replaced, an unknown and an expired link', () => {
    const used = [...activeUser, requested('K1'), { type: 'UserRecoveryCompleted', data: { userId: 'u1', tokenHash: 'K1', completedAt: now } } as UserEvent];
    spec.given(used).when(complete('K1')).then([refusedEvent('recovery', 'used')]);
    spec.given([...activeUser, requested('K1'), requested('K2')]).when(complete('K1')).then([refusedEvent('recovery', 'superseded')]);
    spec.given([...activeUser, requested('K1')]).when(complete('K9')).then([refusedEvent('recovery', 'unknown')]);
    spec.given([...activeUser, requested('K1')]).when(complete('K1', inOneHour)).then([
      { type: 'UserAttemptRefused', data: { userId: 'u1', action: 'recovery', reason: 'expired', at: inOneHour } },
    ]);
  });

  it('refuses a weak new password and keeps the link for another try', () => {
    spec.given([...activeUser, requested('K1')]).when(complete('K1', now, ['too_short'])).then([refusedEvent('recovery', 'weak_password')]);
  });
});

describe('User decider: password change', () => {
  const change = (currentPassword = ok, extra: Partial<{ weaknesses: 'too_short'[]; sameAsCurrent: boolean; keepSessionId: string }> = {}) =>
    cmd('ChangePassword', { userId: 'u1', currentPassword, newPasswordHash: 'H1', weaknesses: [], sameAsCurrent: false, ...extra });

  it('sets the new password, lifts the forced change and ends the other sessions', () => {
    spec
      .given([...activeUser, signedIn('s2', 'R2')])
      .when(change(ok, { keepSessionId: 's2' }))
      .then([
        { type: 'UserPasswordSet', data: { userId: 'u1', passwordHash: 'H1', mustChange: false, reason: 'changed', setAt: now } },
        revoked('s1', 'password_changed'),
      ]);
  });

  it('records a wrong current password, a weak new one and an unchanged one as refused attempts', () => {
    spec.given(activeUser).when(change(wrong)).then([refusedEvent('change-password', 'wrong_password')]);
    spec.given(activeUser).when(change(ok, { weaknesses: ['too_short'] })).then([refusedEvent('change-password', 'weak_password')]);
    spec.given(activeUser).when(change(ok, { sameAsCurrent: true })).then([refusedEvent('change-password', 'same_password')]);
  });

  it('lets nobody else change it', () => {
    spec.given(activeUser).when(cmd('ChangePassword', { userId: 'u1', currentPassword: ok, newPasswordHash: 'H1', weaknesses: [], sameAsCurrent: false }, ownerOfA1)).thenThrows('USER_FORBIDDEN');
    spec.given(activeUser).when(cmd('ChangePassword', { userId: 'u1', currentPassword: ok, newPasswordHash: 'H1', weaknesses: [], sameAsCurrent: false }, stranger)).thenThrows('USER_FORBIDDEN');
  });
});

describe('User decider: profile and onboarding', () => {
  const profile = { firstName: ' Jo ', lastName: 'Martin', country: 'fr', language: 'fr', timeZone: 'Europe/Paris', timeFormat: '24h', title: 'Technicien', technicianEmail: 'Support@Example.com' };
  const stored = { firstName: 'Jo', lastName: 'Martin', country: 'FR', language: 'fr', timeZone: 'Europe/Paris', timeFormat: '24h', title: 'Technicien', technicianEmail: 'support@example.com' } as const;

  it('records a valid profile, cleaned', () => {
    spec.given(activeUser).when(cmd('UpdateProfile', { userId: 'u1', profile })).then([{ type: 'UserProfileUpdated', data: { userId: 'u1', profile: stored, updatedAt: now } }]);
  });

  it('records nothing for an unchanged profile', () => {
    spec.given([...activeUser, { type: 'UserProfileUpdated', data: { userId: 'u1', profile: stored, updatedAt: t0 } }]).when(cmd('UpdateProfile', { userId: 'u1', profile })).then([]);
  });

  it.each([
    ['firstName', ''],
    ['lastName', 'x'.repeat(101)],
    ['country', 'XX'],
    ['country', 'FRA'],
    ['language', 'pt'],
    ['timeZone', 'Mars/Olympus'],
    ['timeFormat', '13h'],
    ['technicianEmail', 'not-an-email'],
    ['title', 42],
  ])('refuses %s = %j', (field, value) => {
    let thrown: unknown;
    try {
      userDecider.decide(cmd('UpdateProfile', { userId: 'u1', profile: { ...profile, [field]: value } }), activeUser.reduce(userDecider.evolve, userDecider.initialState()));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: 'USER_PROFILE_INVALID', details: { fields: [field] } });
  });

  it('accepts UTC and a 12-hour clock, and leaves blank optional fields out', () => {
    spec
      .given(activeUser)
      .when(cmd('UpdateProfile', { userId: 'u1', profile: { ...profile, timeZone: 'UTC', timeFormat: '12h', title: '  ', technicianEmail: null } }))
      .then([
        {
          type: 'UserProfileUpdated',
          data: { userId: 'u1', profile: { firstName: 'Jo', lastName: 'Martin', country: 'FR', language: 'fr', timeZone: 'UTC', timeFormat: '12h' }, updatedAt: now },
        },
      ]);
  });

  it('lets only the user edit their profile', () => {
    spec.given(activeUser).when(cmd('UpdateProfile', { userId: 'u1', profile }, ownerOfA1)).thenThrows('USER_FORBIDDEN');
  });

  it('knows only two ways to finish the tour', () => {
    spec.given(activeUser).when(cmd('FinishOnboarding', { userId: 'u1', outcome: 'skipped' as 'dismissed' })).thenThrows('USER_ONBOARDING_OUTCOME_INVALID');
  });

  it('finishes the onboarding tour once and remembers it', () => {
    spec.given(activeUser).when(cmd('FinishOnboarding', { userId: 'u1', outcome: 'dismissed' })).then([{ type: 'UserOnboardingFinished', data: { userId: 'u1', outcome: 'dismissed', finishedAt: now } }]);
    spec.given([...activeUser, { type: 'UserOnboardingFinished', data: { userId: 'u1', outcome: 'dismissed', finishedAt: t0 } }]).when(cmd('FinishOnboarding', { userId: 'u1', outcome: 'completed' })).then([]);
  });
});

describe('User decider: deletion', () => {
  const deleted = (reason: 'self' | 'account_deleted'): UserEvent => ({ type: 'UserDeleted', data: { userId: 'u1', reason, deletedAt: now } });

  it('deletes a user who confirms with the password, ending their sessions first', () => {
    spec.given(activeUser).when(cmd('DeleteUser', { userId: 'u1', reason: 'self', passwordCheck: ok })).then([revoked('s1', 'account_deleted'), deleted('self')]);
  });

  it('records a wrong password and deletes nothing', () => {
    spec.given(activeUser).when(cmd('DeleteUser', { userId: 'u1', reason: 'self', passwordCheck: wrong })).then([refusedEvent('delete-account', 'wrong_password')]);
    spec.given(activeUser).when(cmd('DeleteUser', { userId: 'u1', reason: 'self' })).then([refusedEvent('delete-account', 'wrong_password')]);
  });

  it('sends an owner to account deletion, where their password is still required', () => {
    const owner: Principal = { ...me, role: 'owner' };
    const ownerUser = [registered('email', 'owner'), generated, activated, signedIn('s1', 'R1')];
    spec.given(ownerUser).when(cmd('DeleteUser', { userId: 'u1', reason: 'self', passwordCheck: ok }, owner)).thenThrows('USER_OWNER_DELETES_ACCOUNT');
    spec.given(ownerUser).when(cmd('DeleteUser', { userId: 'u1', reason: 'account_deleted', passwordCheck: wrong }, owner)).then([refusedEvent('delete-account', 'wrong_password')]);
    spec.given(ownerUser).when(cmd('DeleteUser', { userId: 'u1', reason: 'account_deleted', passwordCheck: ok }, owner)).then([revoked('s1', 'account_deleted'), deleted('account_deleted')]);
  });

  it('lets the owner delete the other users with the account, and nobody else', () => {
    spec.given(activeUser).when(cmd('DeleteUser', { userId: 'u1', reason: 'account_deleted' }, ownerOfA1)).then([revoked('s1', 'account_deleted'), deleted('account_deleted')]);
    spec.given(activeUser).when(cmd('DeleteUser', { userId: 'u1', reason: 'account_deleted' }, { ...ownerOfA1, role: 'admin' })).thenThrows('USER_FORBIDDEN');
    spec.given(activeUser).when(cmd('DeleteUser', { userId: 'u1', reason: 'account_deleted' }, stranger)).thenThrows('USER_FORBIDDEN');
    spec.given(activeUser).when(cmd('DeleteUser', { userId: 'u1', reason: 'self', passwordCheck: ok }, ownerOfA1)).thenThrows('USER_FORBIDDEN');
  });

  it('refuses to act on a deleted user', () => {
    spec.given([...activeUser, deleted('self')]).when(cmd('DeleteUser', { userId: 'u1', reason: 'self', passwordCheck: ok })).thenThrows('USER_DELETED');
  });

  it('reads a user whose personal data was erased without failing', () => {
    const erased = [
      { ...registered(), data: { ...registered().data, email: null } },
      { ...generated, data: { ...generated.data, passwordHash: null } },
      deleted('self'),
    ] as unknown as UserEvent[];
    expect(erased.reduce(userDecider.evolve, userDecider.initialState())).toEqual({ status: 'deleted', userId: 'u1', accountId: 'a1' });
  });
});
