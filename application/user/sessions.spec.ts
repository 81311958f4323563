import { createHash } from 'node:crypto';
import type { Principal } from '../../domain/shared/event';
import { identityHarness, type IdentityHarness } from '../../tests/kit/identity-harness';
import { RefreshSessionCommand } from './refresh-session.command';
import { RegisterByEmailCommand, type RegisterByEmailResult } from './register-by-email.command';
import type { SessionGrant } from './session-grant';
import { SignInCommand } from './sign-in.command';
import { RevokeAllSessionsCommand, SignOutCommand } from './sign-out.command';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY = 24 * 60 * 60 * 1000;

describe('Sign-in and sessions', () => {
  let h: IdentityHarness;
  let ann: RegisterByEmailResult;
  beforeEach(async () => {
    h = await identityHarness();
    ann = await h.commands.execute(new RegisterByEmailCommand({ email: 'ann@example.com' }, h.meta()));
  });
  afterEach(() => h.close());

  const signIn = (password: string, email = 'ann@example.com') =>
    h.commands.execute<SignInCommand, SessionGrant>(new SignInCommand({ email, password }, h.meta()));
  const refresh = (refreshToken: string) => h.commands.execute<RefreshSessionCommand, SessionGrant>(new RefreshSessionCommand({ refreshToken }, h.meta()));
  const principalOf = (grant: SessionGrant): Principal => ({ kind: 'user', id: grant.userId, tenantId: grant.accountId, role: grant.role });
  const userStream = () => `user-${ann.userId}`;

  it('activates the user at the first sign-in and opens a 30-day session whose refresh token is stored hashed', async () => {
    const grant = await signIn(ann.mail.password);
    expect(grant.refreshToken).toMatch(new RegExp(`^${ann.userId}\\.${grant.sessionId}\\.[A-Za-z0-9_-]{43}$`));
    expect(grant.refreshExpiresAt).toBe('2026-12-21T10:00:00.000Z');
    const events = await h.events(userStream());
    expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'UserPasswordSet', 'UserActivated', 'UserSignedIn']);
    expect(events[3].data).toMatchObject({ sessionId: grant.sessionId, refreshTokenHash: sha256(grant.refreshToken), method: 'email' });
  });

  it('refuses a wrong password with INVALID_CREDENTIALS and records it in the user’s stream', async () => {
    await expect(signIn('Wrong-password-42')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const last = (await h.events(userStream())).at(-1);
    expect(last).toMatchObject({ type: 'UserAttemptRefused', data: { action: 'sign-in', reason: 'wrong_password' } });
    expect(last?.metadata.source?.ip).toBe('203.0.113.7');
  });

  it('answers an unknown email exactly like a wrong password and records it anonymously', async () => {
    const error = await signIn('whatever-123', 'nobody@example.com').catch((e: unknown) => e);
    const wrong = await signIn('whatever-123').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS', message: (wrong as Error).message });
    const [attempt] = await h.events('security-anonymous-2026-11-21');
    expect(attempt.data).toEqual({ action: 'sign-in', reason: 'unknown_email', emailHash: sha256('nobody@example.com'), at: h.clock.now() });
  });

  it('rotates the refresh token; the old one coming back revokes the session, and the new one dies with it', async () => {
    const first = await signIn(ann.mail.password);
    const second = await refresh(first.refreshToken);
    expect(second).toMatchObject({ sessionId: first.sessionId, userId: ann.userId, mustChangePassword: true });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const third = await refresh(second.refreshToken);

    await expect(refresh(first.refreshToken)).rejects.toMatchObject({ code: 'TOKEN_REUSED' });
    expect((await h.events(userStream())).at(-1)).toMatchObject({ type: 'UserSessionRevoked', data: { sessionId: first.sessionId, reason: 'token_reused' } });
    await expect(refresh(third.refreshToken)).rejects.toMatchObject({ code: 'SESSION_REVOKED' });
  });

  it('refuses a refresh token past its 30 days', async () => {
    const grant = await signIn(ann.mail.password);
    h.clock.advance(30 * DAY);
    await expect(refresh(grant.refreshToken)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('records a malformed or forged refresh token', async () => {
    const grant = await signIn(ann.mail.password);
    await expect(refresh('garbage')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    const forged = `${ann.userId}.${grant.sessionId}.${'A'.repeat(43)}`;
    await expect(refresh(forged)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect((await h.events(userStream())).at(-1)).toMatchObject({ type: 'UserAttemptRefused', data: { action: 'refresh', reason: 'unknown' } });
    expect((await h.events('security-anonymous-2026-11-21')).map((e) => e.data.reason)).toEqual(['invalid_token']);
  });

  it('signs out one session and revokes all the others', async () => {
    const a = await signIn(ann.mail.password);
    const b = await signIn(ann.mail.password);
    const c = await signIn(ann.mail.password);
    await h.commands.execute(new SignOutCommand(principalOf(a), { sessionId: a.sessionId }, h.meta()));
    await expect(refresh(a.refreshToken)).rejects.toMatchObject({ code: 'SESSION_REVOKED' });
    await h.commands.execute(new RevokeAllSessionsCommand(principalOf(b), { exceptSessionId: b.sessionId }, h.meta()));
    await expect(refresh(c.refreshToken)).rejects.toMatchObject({ code: 'SESSION_REVOKED' });
    expect((await refresh(b.refreshToken)).sessionId).toBe(b.sessionId);
    await h.projections.waitFor('auth-sessions', await h.store.headPosition(), 2000);
    const sessions = await h.readStore.forTenant(ann.accountId).collection(h.projections.activeCollection('auth-sessions')).find({}, { sort: { signedInAt: 1, id: 1 } });
    expect(Object.fromEntries(sessions.map((s) => [s.id, s.endReason]))).toEqual({ [a.sessionId]: 'signed_out', [b.sessionId]: null, [c.sessionId]: 'revoke_all' });
  });

  it('refuses and records an attempt to revoke another account’s user', async () => {
    const bob = await h.commands.execute<RegisterByEmailCommand, RegisterByEmailResult>(new RegisterByEmailCommand({ email: 'bob@example.com' }, h.meta()));
    const bobAsOwner: Principal = { kind: 'user', id: bob.userId, tenantId: bob.accountId, role: 'owner' };
    const before = (await h.events(userStream())).length;
    await expect(h.commands.execute(new RevokeAllSessionsCommand(bobAsOwner, { userId: ann.userId }, h.meta()))).rejects.toMatchObject({ code: 'USER_FORBIDDEN' });
    expect(await h.events(userStream())).toHaveLength(before);
    const [attempt] = await h.events(`security-${bob.accountId}-2026-11-21`);
    expect(attempt.data).toMatchObject({ action: 'access', reason: 'forbidden', userId: ann.userId });
    expect(attempt.metadata.actor).toEqual({ kind: 'user', id: bob.userId });
  });
});
