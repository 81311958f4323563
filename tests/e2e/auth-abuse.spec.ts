import request from 'supertest';
import { ManualClock } from '../kit/counter-projection';
import { startApp, type E2eApp } from './e2e-app';
import {
  OTHER_STRONG_PASSWORD,
  PROBLEM,
  STRONG_PASSWORD,
  bearer,
  eventsOfType,
  linkIn,
  login,
  mailCount,
  mailTo,
  register,
  signedUp,
  template,
} from './auth-kit';

const DAY = '2025-01-01';

/** The audit log of a tenant as the operator reads it, including everything written so far. */
async function auditOf(app: E2eApp, tenant: string, type: string): Promise<{ type: string; summary: string }[]> {
  const head = await app.infra.eventStore.headPosition();
  const res = await request(app.url).get('/api/audit').query({ tenant, type, minPosition: head }).set(app.auth).expect(200);
  return res.body.entries;
}

async function userEvents(app: E2eApp, userId: string) {
  return app.infra.eventStore.readStream(`user-${userId}`);
}

describe('abuse of sign-in: a clear 4xx with a code, nothing changed, the attempt recorded', () => {
  let app: E2eApp;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock();
    app = await startApp({}, { clock });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('refuses a weak or breached-pattern new password with its reasons and keeps the old one', async () => {
    const email = 'weak.choice@example.com';
    const { pair, me } = await signedUp(app, email);
    const cases: [string, string][] = [
      ['short1A!', 'too_short'],
      ['alllowercaseletters', 'single_class'],
      ['Password2024!xyz', 'common_pattern'],
      ['P@ssw0rd-Summer-99', 'common_pattern'],
      ['Weak.Choice-2025', 'contains_email'],
    ];
    for (const [newPassword, reason] of cases) {
      const res = await request(app.url).post('/api/me/password').set(bearer(pair.accessToken)).send({ currentPassword: STRONG_PASSWORD, newPassword }).expect(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('WEAK_PASSWORD');
      expect(res.body.reasons).toContain(reason);
    }
    await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(200);
    await login(app, email, STRONG_PASSWORD);
    const refused = (await userEvents(app, me.id)).filter((e) => e.type === 'UserAttemptRefused');
    expect(refused.map((e) => e.data)).toEqual(cases.map(() => expect.objectContaining({ action: 'change-password', reason: 'weak_password' })));
    expect((await auditOf(app, me.accountId, 'UserAttemptRefused')).length).toBe(cases.length);
  });

  it('refuses a second registration of an email (any case) with 409, registers nothing and records it', async () => {
    const email = 'twice@example.com';
    await register(app, email);
    const claimsBefore = (await eventsOfType(app, 'EmailClaimed')).length;
    const accountsBefore = (await eventsOfType(app, 'AccountRegistered')).length;
    for (const again of [email, ' TWICE@Example.com ']) {
      const res = await request(app.url).post('/api/auth/register').send({ email: again }).expect(409);
      expect(res.body).toMatchObject({ code: 'EMAIL_ALREADY_REGISTERED', status: 409 });
    }
    expect((await eventsOfType(app, 'EmailClaimed')).length).toBe(claimsBefore);
    expect((await eventsOfType(app, 'AccountRegistered')).length).toBe(accountsBefore);
    expect(await mailCount(app, email)).toBe(1);
    const recorded = await app.infra.eventStore.readStream(`security-anonymous-${DAY}`);
    expect(recorded.filter((e) => e.data.action === 'register' && e.data.reason === 'email_taken')).toHaveLength(2);
    expect(JSON.stringify(recorded)).not.toContain('twice@example.com');
  });

  it('refuses a malformed email with a 4xx and writes nothing', async () => {
    const head = await app.infra.eventStore.headPosition();
    expect((await request(app.url).post('/api/auth/register').send({ email: 'not-an-email' }).expect(422)).body.code).toBe('USER_EMAIL_INVALID');
    expect((await request(app.url).post('/api/auth/register').send({ email: 'a@b.co', extra: 1 }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect(await app.infra.eventStore.headPosition()).toBe(head);
  });

  it('does not activate an unverified email on a wrong password, and records the attempt', async () => {
    const email = 'unverified@example.com';
    const generated = await register(app, email);
    const res = await request(app.url).post('/api/auth/login').send({ email, password: 'Not-The-Mailed-One-1' }).expect(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
    const claim = (await eventsOfType(app, 'EmailClaimed')).at(-1);
    const events = await userEvents(app, claim?.data.userId as string);
    expect(events.map((e) => e.type)).toEqual(['UserRegistered', 'UserPasswordSet', 'UserAttemptRefused']);
    expect(events[2].data).toMatchObject({ action: 'sign-in', reason: 'wrong_password' });
    // Still pending with the mailed password, which still works.
    const first = await login(app, email, generated);
    expect(first.mustChangePassword).toBe(true);
  });

  it('answers an unknown email like a wrong password, and records it without the address', async () => {
    const res = await request(app.url).post('/api/auth/login').send({ email: 'ghost@example.com', password: 'Whatever-Pass-12' }).expect(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
    const recorded = await app.infra.eventStore.readStream(`security-anonymous-${DAY}`);
    expect(recorded.some((e) => e.data.action === 'sign-in' && e.data.reason === 'unknown_email' && typeof e.data.emailHash === 'string')).toBe(true);
    expect(JSON.stringify(recorded)).not.toContain('ghost@');
  });

  it('refuses a wrong current password to change the password or delete the account; nothing changes', async () => {
    const email = 'careful@example.com';
    const { pair, me } = await signedUp(app, email);
    const change = await request(app.url).post('/api/me/password').set(bearer(pair.accessToken)).send({ currentPassword: 'Wrong-Current-11', newPassword: OTHER_STRONG_PASSWORD }).expect(403);
    expect(change.body.code).toBe('WRONG_CURRENT_PASSWORD');
    const del = await request(app.url).delete('/api/me/account').set(bearer(pair.accessToken)).send({ currentPassword: 'Wrong-Current-11' }).expect(403);
    expect(del.body.code).toBe('WRONG_CURRENT_PASSWORD');

    await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(200);
    expect((await request(app.url).get(`/api/accounts/${me.accountId}`).set(app.auth).expect(200)).body.status).toBe('open');
    await login(app, email, STRONG_PASSWORD);
    const refused = (await userEvents(app, me.id)).filter((e) => e.type === 'UserAttemptRefused').map((e) => e.data);
    expect(refused).toEqual([
      expect.objectContaining({ action: 'change-password', reason: 'wrong_password' }),
      expect.objectContaining({ action: 'delete-account', reason: 'wrong_password' }),
    ]);
  });

  it('refuses expired, reused, replaced and forged recovery links; the password stays, each attempt is recorded', async () => {
    const email = 'links@example.com';
    const { me } = await signedUp(app, email);
    const requestLink = async () => {
      await request(app.url).post('/api/auth/recovery').send({ email }).expect(202);
      const mail = await mailTo(app, email, template('password-recovery'));
      return linkIn(mail.text, '/recover/complete').searchParams.get('token') as string;
    };

    const replaced = await requestLink();
    const used = await requestLink();
    const superseded = await request(app.url).post('/api/auth/recovery/complete').send({ token: replaced, newPassword: OTHER_STRONG_PASSWORD }).expect(400);
    expect(superseded.body.code).toBe('RECOVERY_LINK_INVALID');
    const weak = await request(app.url).post('/api/auth/recovery/complete').send({ token: used, newPassword: 'password123' }).expect(400);
    expect(weak.body).toMatchObject({ code: 'WEAK_PASSWORD', reasons: expect.arrayContaining(['common_pattern']) });
    await login(app, email, STRONG_PASSWORD);
    await request(app.url).post('/api/auth/recovery/complete').send({ token: used, newPassword: OTHER_STRONG_PASSWORD }).expect(204);
    const reused = await request(app.url).post('/api/auth/recovery/complete').send({ token: used, newPassword: 'Third-Fine-Pass-77' }).expect(410);
    expect(reused.body.code).toBe('RECOVERY_LINK_USED');

    const late = await requestLink();
    clock.advance(60 * 60_000 + 1);
    const expired = await request(app.url).post('/api/auth/recovery/complete').send({ token: late, newPassword: 'Third-Fine-Pass-77' }).expect(410);
    expect(expired.body.code).toBe('RECOVERY_LINK_EXPIRED');
    await login(app, email, OTHER_STRONG_PASSWORD);

    const forged = await request(app.url).post('/api/auth/recovery/complete').send({ token: `nobody.${'A'.repeat(43)}`, newPassword: 'Third-Fine-Pass-77' }).expect(400);
    expect(forged.body.code).toBe('RECOVERY_LINK_INVALID');

    const reasons = (await userEvents(app, me.id)).filter((e) => e.type === 'UserAttemptRefused' && e.data.action === 'recovery').map((e) => e.data.reason);
    expect(reasons).toEqual(['superseded', 'weak_password', 'used', 'expired']);
    const security = await app.infra.eventStore.readStream(`security-anonymous-${clock.now().slice(0, 10)}`);
    expect(security.some((e) => e.data.action === 'recovery' && e.data.reason === 'invalid_token')).toBe(true);
  });

  it('refuses a forged refresh token with 401 TOKEN_INVALID and records it', async () => {
    const res = await request(app.url).post('/api/auth/refresh').send({ refreshToken: `u.s.${'B'.repeat(43)}` }).expect(401);
    expect(res.body.code).toBe('TOKEN_INVALID');
    const security = await app.infra.eventStore.readStream(`security-anonymous-${clock.now().slice(0, 10)}`);
    expect(security.some((e) => e.data.action === 'refresh' && e.data.reason === 'invalid_token')).toBe(true);
  });

  it('refuses a forged or tampered access token with 401', async () => {
    const { pair } = await signedUp(app, 'tamper@example.com');
    const [header, payload, signature] = pair.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const promoted = Buffer.from(JSON.stringify({ ...claims, tid: 'someone-else' })).toString('base64url');
    const res = await request(app.url).get('/api/me').set(bearer(`${header}.${promoted}.${signature}`)).expect(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });

  it('refuses a user who reads or changes another account by id: 403, nothing changed, recorded in the audit log', async () => {
    const a = await signedUp(app, 'tenant.a@example.com');
    const b = await signedUp(app, 'tenant.b@example.com');
    const asA = bearer(a.pair.accessToken);
    const target = `/api/accounts/${b.me.accountId}`;
    const bStream = `account-${b.me.accountId}`;
    const before = await app.infra.eventStore.readStream(bStream);

    const read = await request(app.url).get(target).set(asA).expect(403);
    expect(read.headers['content-type']).toMatch(PROBLEM);
    expect(read.body.code).toBe('ACCOUNT_FORBIDDEN');
    expect(JSON.stringify(read.body)).not.toContain('tenant.b');
    expect((await request(app.url).patch(target).set(asA).send({ name: 'Taken over' }).expect(403)).body.code).toBe('ACCOUNT_FORBIDDEN');
    expect((await request(app.url).delete(target).set(asA).expect(403)).body.code).toBe('ACCOUNT_FORBIDDEN');

    expect(await app.infra.eventStore.readStream(bStream)).toEqual(before);
    const view = await request(app.url).get(target).set(bearer(b.pair.accessToken)).expect(200);
    expect(view.body).toMatchObject({ status: 'open', name: 'My client space' });

    const recorded = await app.infra.eventStore.readStream(`security-${a.me.accountId}-${clock.now().slice(0, 10)}`);
    expect(recorded.map((e) => e.data)).toEqual(
      Array.from({ length: 3 }, () => expect.objectContaining({ action: 'access', reason: 'cross_tenant', userId: a.me.id, targetTenantId: b.me.accountId })),
    );
    expect(recorded[0].metadata.actor).toEqual({ kind: 'user', id: a.me.id });
    expect(await auditOf(app, a.me.accountId, 'SecurityAttemptRecorded')).toHaveLength(3);
    expect(await auditOf(app, b.me.accountId, 'SecurityAttemptRecorded')).toHaveLength(0);
  });
});

describe('sign-in back-off: 429 with Retry-After per account and per address, recorded', () => {
  let app: E2eApp;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock();
    app = await startApp({}, { clock });
  });
  afterAll(async () => {
    await app.stop();
  });

  const attempt = (email: string, password: string) => request(app.url).post('/api/auth/login').send({ email, password });

  it('blocks an account after 5 free failures, doubling the wait; other accounts from the address still sign in', async () => {
    const email = 'guessed@example.com';
    const { me } = await signedUp(app, email);
    await signedUp(app, 'bystander@example.com');
    for (let i = 0; i < 6; i++) expect((await attempt(email, `Wrong-Guess-${i}0a`).expect(401)).body.code).toBe('INVALID_CREDENTIALS');

    const blocked = await attempt(email, STRONG_PASSWORD).expect(429);
    expect(blocked.headers['content-type']).toMatch(PROBLEM);
    expect(blocked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.headers['retry-after']).toBe('1');
    await attempt('bystander@example.com', STRONG_PASSWORD).expect(200);

    // No password is checked while blocked: nothing reaches the user's stream.
    const before = (await userEvents(app, me.id)).length;
    await attempt(email, 'Wrong-Guess-again1').expect(429);
    expect((await userEvents(app, me.id)).length).toBe(before);

    clock.advance(1_000);
    expect((await attempt(email, 'Wrong-Guess-7x0a').expect(401)).body.code).toBe('INVALID_CREDENTIALS');
    expect((await attempt(email, STRONG_PASSWORD).expect(429)).headers['retry-after']).toBe('2');
    clock.advance(2_000);
    await attempt(email, STRONG_PASSWORD).expect(200);
    // A success forgets the account's failures.
    for (let i = 0; i < 5; i++) await attempt(email, `Wrong-Again-${i}0a`).expect(401);
    await attempt(email, STRONG_PASSWORD).expect(200);

    const security = (await app.infra.eventStore.readStream(`security-anonymous-${clock.now().slice(0, 10)}`)).map((e) => e.data.reason);
    expect(security).toEqual(expect.arrayContaining(['rate_limit_tripped_account', 'rate_limited_account']));
    expect(security.filter((r) => r === 'rate_limited_account')).toHaveLength(2);
  });

  it('blocks an address that fails on many accounts, whatever account it tries next', async () => {
    clock.advance(25 * 60 * 60_000);
    const { me } = await signedUp(app, 'innocent@example.com');
    for (let i = 0; i < 21; i++) await attempt(`spray${i}@example.com`, 'Spray-Pass-2024x').expect(401);
    const blocked = await attempt('innocent@example.com', STRONG_PASSWORD).expect(429);
    expect(blocked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await userEvents(app, me.id)).some((e) => e.type === 'UserAttemptRefused')).toBe(false);

    const security = (await app.infra.eventStore.readStream(`security-anonymous-${clock.now().slice(0, 10)}`)).map((e) => e.data.reason);
    expect(security).toEqual(expect.arrayContaining(['rate_limit_tripped_ip', 'rate_limited_ip']));

    clock.advance(Number(blocked.headers['retry-after']) * 1000);
    await attempt('innocent@example.com', STRONG_PASSWORD).expect(200);
  });
});
