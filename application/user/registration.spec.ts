import { createHash } from 'node:crypto';
import { identityHarness, type IdentityHarness } from '../../tests/kit/identity-harness';
import { RegisterByEmailCommand, type RegisterByEmailResult } from './register-by-email.command';
import { RegisterBySocialCommand, type SocialSignInResult } from './register-by-social.command';
import { SignInCommand } from './sign-in.command';
import type { SessionGrant } from './session-grant';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('Registration', () => {
  let h: IdentityHarness;
  beforeEach(async () => {
    h = await identityHarness();
  });
  afterEach(() => h.close());

  const register = (email: string, extra: { accountName?: string; language?: string } = {}) =>
    h.commands.execute<RegisterByEmailCommand, RegisterByEmailResult>(new RegisterByEmailCommand({ email, ...extra }, h.meta()));
  const social = (email: string, emailVerified = true) =>
    h.commands.execute<RegisterBySocialCommand, SocialSignInResult>(new RegisterBySocialCommand({ provider: 'google', email, emailVerified }, h.meta()));

  it('claims the email, opens an owned client space and a pending owner with a generated password to mail', async () => {
    const result = await register('  Ann@Example.com ', { accountName: 'Ann’s space', language: 'fr' });
    expect(result.mail).toEqual({ to: 'ann@example.com', password: expect.stringMatching(/^.{16}$/), language: 'fr' });

    const [claim] = await h.events(`emailclaim-${sha256('ann@example.com')}`);
    expect(claim.data).toEqual({ emailHash: sha256('ann@example.com'), userId: result.userId, accountId: result.accountId, claimedAt: h.clock.now() });
    const [account] = await h.events(`account-${result.accountId}`);
    expect(account.data).toMatchObject({ name: 'Ann’s space', kind: 'client-space', ownerUserId: result.userId });
    const [registered, passwordSet] = await h.events(`user-${result.userId}`);
    expect(registered.data).toMatchObject({ email: 'ann@example.com', role: 'owner', method: 'email', activated: false });
    expect(passwordSet.data).toMatchObject({ mustChange: true, reason: 'generated' });
    expect(registered.metadata).toMatchObject({ tenantId: result.accountId, actor: { kind: 'user', id: result.userId } });

    const grant = await h.commands.execute<SignInCommand, SessionGrant>(new SignInCommand({ email: 'ann@example.com', password: result.mail.password }, h.meta()));
    expect(grant).toMatchObject({ userId: result.userId, accountId: result.accountId, role: 'owner', mustChangePassword: true });
  });

  it('keeps the email and password hash out of the stored events', async () => {
    const { userId } = await register('ann@example.com');
    const stored = JSON.stringify(await h.raw.readStream(`user-${userId}`));
    expect(stored).not.toContain('ann@example.com');
    expect(stored).not.toContain('$argon2id');
  });

  it('refuses a second registration of the email, from any case, records it and writes nothing else', async () => {
    await register('ann@example.com');
    const before = await h.store.headPosition();
    await expect(register('ANN@example.com')).rejects.toMatchObject({ code: 'EMAIL_ALREADY_REGISTERED' });
    const after = await h.store.readAll({ after: before, limit: 10 });
    expect(after.map((e) => [e.type, e.stream])).toEqual([['SecurityAttemptRecorded', 'security-anonymous-2026-11-21']]);
    expect(after[0].data).toEqual({ action: 'register', reason: 'email_taken', emailHash: sha256('ann@example.com'), at: h.clock.now() });
    expect(after[0].metadata.source).toEqual({ ip: '203.0.113.7', channel: 'http' });
  });

  it('lets only one of two simultaneous registrations of an email through', async () => {
    const results = await Promise.allSettled([register('bob@example.com'), register('bob@example.com'), register('bob@example.com')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'EMAIL_ALREADY_REGISTERED' });
    }
    const users = (await h.store.readAll({ limit: 1000 })).filter((e) => e.type === 'UserRegistered');
    expect(users).toHaveLength(1);
  });

  it('refuses an address that is not one', async () => {
    await expect(register('not-an-email')).rejects.toMatchObject({ code: 'USER_EMAIL_INVALID' });
    expect(await h.store.headPosition()).toBe('0');
  });

  it('finishes a registration that stopped after its claim', async () => {
    const emailHash = sha256('cid@example.com');
    await h.store.appendToStream(
      `emailclaim-${emailHash}`,
      [
        {
          type: 'EmailClaimed',
          data: { emailHash, userId: 'u-stopped', accountId: 'a-stopped', claimedAt: h.clock.now() },
          metadata: { eventId: 'e1', schemaVersion: 1, tenantId: 'a-stopped', actor: { kind: 'user', id: 'u-stopped' }, correlationId: 'c', causationId: 'c', occurredAt: h.clock.now() },
        },
      ],
      'no_stream',
    );
    const result = await register('cid@example.com');
    expect(result).toMatchObject({ userId: 'u-stopped', accountId: 'a-stopped' });
    expect(await h.types('user-u-stopped')).toEqual(['UserRegistered', 'UserPasswordSet']);
  });

  it('registers and signs in through a provider, active at once', async () => {
    const grant = await social('dee@example.com');
    expect(grant).toMatchObject({ registered: true, role: 'owner', mustChangePassword: false });
    expect(await h.types(`user-${grant.userId}`)).toEqual(['UserRegistered', 'UserSignedIn']);
    const [registered] = await h.events(`user-${grant.userId}`);
    expect(registered.data).toMatchObject({ method: 'google', activated: true });
  });

  it('signs an already registered email in through the provider instead of registering it again', async () => {
    const { userId } = await register('eve@example.com');
    const grant = await social('Eve@example.com');
    expect(grant).toMatchObject({ registered: false, userId, mustChangePassword: false });
    expect(await h.types(`user-${userId}`)).toEqual(['UserRegistered', 'UserPasswordSet', 'UserActivated', 'UserSignedIn']);
  });

  it('refuses and records a provider email that is not verified', async () => {
    await expect(social('fay@example.com', false)).rejects.toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });
    const events = await h.store.readAll({ limit: 10 });
    expect(events.map((e) => e.type)).toEqual(['SecurityAttemptRecorded']);
    expect(events[0].data).toMatchObject({ action: 'register', reason: 'email_unverified', emailHash: sha256('fay@example.com') });
  });
});
