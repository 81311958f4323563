import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { CommandRunner } from '../../application/command-runner';
import { PASSWORD_HASHER, type PasswordHasher } from '../../application/ports/password-hasher.port';
import type { Actor, Principal } from '../../domain/shared/event';
import { emailClaimDecider } from '../../domain/user/email-claim';
import { userDecider } from '../../domain/user/user.decide';
import { startApp, type E2eApp } from './e2e-app';
import { OTHER_STRONG_PASSWORD, PROBLEM, STRONG_PASSWORD, bearer, generatedPassword, mailTo, template, type Pair } from './auth-kit';

interface Entry {
  readonly tenantId: string;
  readonly actor: Actor;
  readonly type: string;
  readonly aggregate: string;
  readonly ip: string | null;
  readonly summary: string;
}

interface Person {
  readonly email: string;
  readonly ip: string;
  readonly userId: string;
  readonly accountId: string;
  readonly pair: Pair;
}

const ANN_IP = '203.0.113.7';
const BOB_IP = '198.51.100.9';

describe('audit log read by signed-in users', () => {
  let app: E2eApp;
  let ann: Person;
  let bob: Person;

  /** Register → password from the mail → first sign-in → forced change, every request from `ip`. */
  async function signUp(email: string, ip: string): Promise<Person> {
    const from = { 'X-Forwarded-For': ip };
    await request(app.url).post('/api/auth/register').set(from).send({ email }).expect(202);
    const generated = generatedPassword((await mailTo(app, email, template('registration-password'))).text);
    const first = await request(app.url).post('/api/auth/login').set(from).send({ email, password: generated }).expect(200);
    expect(first.body.mustChangePassword).toBe(true);
    // The generated password's token opens nothing else, the audit log included.
    const early = await request(app.url).get('/api/audit').set(from).set(bearer(first.body.accessToken)).expect(403);
    expect(early.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const changed = await request(app.url)
      .post('/api/me/password')
      .set(from)
      .set(bearer(first.body.accessToken))
      .send({ currentPassword: generated, newPassword: STRONG_PASSWORD })
      .expect(200);
    const pair = changed.body as Pair;
    const me = await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(200);
    return { email, ip, userId: me.body.id, accountId: me.body.accountId, pair };
  }

  const head = () => app.infra.eventStore.headPosition();

  async function logOf(person: Person, query: Record<string, string> = {}): Promise<Entry[]> {
    const res = await request(app.url)
      .get('/api/audit')
      .query({ minPosition: await head(), limit: 200, ...query })
      .set(bearer(person.pair.accessToken))
      .expect(200);
    expect(res.body.nextCursor).toBeNull();
    return res.body.entries as Entry[];
  }

  beforeAll(async () => {
    // Behind a trusted proxy on loopback, so that each person's address is the one the test names.
    app = await startApp({ TRUST_PROXY: 'loopback' });
    ann = await signUp('ann.audit@example.com', ANN_IP);
    bob = await signUp('bob.audit@example.com', BOB_IP);
  });
  afterAll(async () => {
    await app.stop();
  });

  it("shows an owner their own account's sign-in and password events, with their address, and nobody else's", async () => {
    const entries = await logOf(ann);
    expect(entries.length).toBeGreaterThan(0);
    expect(new Set(entries.map((e) => e.tenantId))).toEqual(new Set([ann.accountId]));

    const own = entries.filter((e) => e.aggregate === `user-${ann.userId}`);
    expect(own.map((e) => e.summary)).toEqual(expect.arrayContaining(['Signed in with a password']));
    expect(own.filter((e) => e.type === 'UserSignedIn').map((e) => e.ip)).toEqual([ANN_IP, ANN_IP]);
    expect(own.filter((e) => e.type === 'UserPasswordSet')).toHaveLength(2);
    expect(own.find((e) => e.type === 'UserPasswordSet' && e.actor.id === ann.userId)?.ip).toBe(ANN_IP);

    const text = JSON.stringify(entries);
    expect(text).not.toContain(bob.userId);
    expect(text).not.toContain(bob.accountId);
    expect(text).not.toContain(BOB_IP);
    // Summaries never carry personal data.
    expect(text).not.toContain(ann.email);

    // Naming their own account is the same as naming none.
    expect(await logOf(ann, { tenant: ann.accountId })).toEqual(entries);
    expect((await logOf(bob)).every((e) => e.tenantId === bob.accountId && e.ip !== ANN_IP)).toBe(true);
  });

  it('exports the CSV with the user token: their account only', async () => {
    const res = await request(app.url)
      .get('/api/audit.csv')
      .query({ minPosition: await head(), aggregate: `user-${ann.userId}` })
      .set(bearer(ann.pair.accessToken))
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toContain(`filename="audit-${ann.accountId}-`);
    const rows = parse(res.text, { bom: true }) as string[][];
    expect(rows[0]).toEqual(['at', 'actor kind', 'actor id', 'type', 'aggregate', 'ip', 'summary']);
    const body = rows.slice(1);
    expect(body.length).toBeGreaterThan(2);
    expect(body.every((row) => row[4] === `user-${ann.userId}`)).toBe(true);
    expect(body.filter((row) => row[3] === 'UserSignedIn').map((row) => row[5])).toEqual([ANN_IP, ANN_IP]);
    expect(res.text).not.toContain(BOB_IP);
  });

  it("refuses a user naming another account's log with a recorded 403; the operator still names any", async () => {
    const before = await head();
    for (const path of ['/api/audit', '/api/audit.csv']) {
      const res = await request(app.url).get(path).query({ tenant: bob.accountId }).set(bearer(ann.pair.accessToken)).expect(403);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(res.body.code).toBe('AUDIT_LOG_FORBIDDEN');
    }

    // Recorded in the caller's account, where its owner sees it; nothing lands in the other account's log.
    const attempts = (await logOf(ann, { type: 'SecurityAttemptRecorded' })).filter((e) => e.summary.includes(bob.accountId));
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ actor: { kind: 'user', id: ann.userId }, summary: `Refused access: cross tenant (reached for account "${bob.accountId}")` });
    expect(await logOf(bob, { type: 'SecurityAttemptRecorded' })).toEqual([]);
    expect(await head()).not.toBe(before);

    const operator = await request(app.url).get('/api/audit').query({ tenant: bob.accountId, minPosition: await head() }).set(app.auth).expect(200);
    expect((operator.body.entries as Entry[]).every((e) => e.tenantId === bob.accountId)).toBe(true);
    expect((await request(app.url).get('/api/audit').set(app.auth).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a technician of the account (403) and anyone without a token (401)', async () => {
    // Added by the owner through the deciders, as the invitation flow of the MSP issue will.
    const email = 'tess.tech@example.com';
    const userId = `tech-${ann.userId}`;
    const owner: Principal = { kind: 'user', id: ann.userId, tenantId: ann.accountId, role: 'owner' };
    const meta = { correlationId: 'audit-users-technician' };
    const runner = app.app.get(CommandRunner);
    const emailHash = createHash('sha256').update(email).digest('hex');
    await runner.run(`emailclaim-${emailHash}`, emailClaimDecider, { type: 'ClaimEmail', data: { emailHash, userId, accountId: ann.accountId } }, owner, meta);
    const generatedPasswordHash = await app.app.get<PasswordHasher>(PASSWORD_HASHER).hash(STRONG_PASSWORD);
    await runner.run(
      `user-${userId}`,
      userDecider,
      { type: 'RegisterUser', data: { userId, accountId: ann.accountId, email, role: 'technician', method: 'email', emailVerified: false, generatedPasswordHash } },
      owner,
      meta,
    );
    const first = await request(app.url).post('/api/auth/login').send({ email, password: STRONG_PASSWORD }).expect(200);
    const changed = await request(app.url)
      .post('/api/me/password')
      .set(bearer(first.body.accessToken))
      .send({ currentPassword: STRONG_PASSWORD, newPassword: OTHER_STRONG_PASSWORD })
      .expect(200);
    const technician = bearer((changed.body as Pair).accessToken);

    const listed = await request(app.url).get('/api/audit').set(technician).expect(403);
    expect(listed.headers['content-type']).toMatch(PROBLEM);
    expect(listed.body.code).toBe('FORBIDDEN');
    expect((await request(app.url).get('/api/audit.csv').set(technician).expect(403)).body.code).toBe('FORBIDDEN');

    expect((await request(app.url).get('/api/audit').expect(401)).body.code).toBe('UNAUTHORIZED');
    expect((await request(app.url).get('/api/audit.csv').set('Authorization', 'Bearer forged').expect(401)).body.code).toBe('UNAUTHORIZED');
  });
});
