import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ManualClock } from '../kit/counter-projection';
import { bearer, PROBLEM, signedUp, STRONG_PASSWORD, type Pair } from './auth-kit';
import { AgentSocket, LINUX_FACTS } from './agent-kit';
import { startApp, type E2eApp } from './e2e-app';

const HOUR = 60 * 60 * 1000;

describe('POST /api/agent/enroll', () => {
  let app: E2eApp;
  let clock: ManualClock;
  let email: string;
  let owner: Pair;

  const enroll = (body: Record<string, unknown>) => request(app.url).post('/api/agent/enroll').send({ facts: LINUX_FACTS, ...body });
  const computerStreams = async () => (await app.infra.eventStore.readAll({ limit: 100_000 })).filter((e) => e.type === 'ComputerEnrolled').length;

  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2025-06-01T08:00:00.000Z'));
    app = await startApp({}, { clock });
    email = `enroller-${randomUUID().slice(0, 8)}@example.com`;
    ({ pair: owner } = await signedUp(app, email));
  });

  afterAll(async () => {
    await app?.stop();
  });

  it.each(['password', 'cli'])('enrolls with the account’s username and password (%s) and the key connects', async (method) => {
    const res = await enroll({ method, username: email, password: STRONG_PASSWORD, name: 'Laptop' }).expect(201);
    expect(res.body).toEqual({ computerId: expect.any(String), agentKey: expect.stringMatching(/^.+\..{22,}$/), name: 'Laptop', wsUrl: `${app.url.replace(/^http/, 'ws')}/agent` });
    const agent = await AgentSocket.online(app.url, res.body.agentKey);
    await agent.close();
    const [enrolled] = await app.infra.eventStore.readStream(`computer-${res.body.computerId}`);
    expect(enrolled.data).toMatchObject({ method, name: 'Laptop' });
    // The key itself is never stored.
    expect(JSON.stringify(enrolled)).not.toContain(res.body.agentKey.split('.').pop());
  });

  it('refuses a wrong password with INVALID_CREDENTIALS and enrolls nothing', async () => {
    const before = await computerStreams();
    const res = await enroll({ method: 'password', username: email, password: 'wrong-password' }).expect(401);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
    const unknown = await enroll({ method: 'password', username: 'nobody@example.com', password: 'whatever' }).expect(401);
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
    expect(await computerStreams()).toBe(before);
  });

  it.each([
    ['no method', { username: 'a', password: 'b' }, 'method'],
    ['an unknown method', { method: 'magic' }, 'method'],
    ['a token without its field', { method: 'enrollment-token' }, 'token'],
    ['an unknown field', { method: 'password', username: 'a@b.c', password: 'p', admin: true }, 'admin'],
    ['bad facts', { method: 'password', username: 'a@b.c', password: 'p', facts: { os: { platform: 'beos' } } }, 'facts.os.platform'],
    ['a name too long', { method: 'password', username: 'a@b.c', password: 'p', name: 'n'.repeat(65) }, 'name'],
  ])('refuses %s with VALIDATION_FAILED naming the field', async (_what, body, field) => {
    const before = await computerStreams();
    const res = await enroll(body).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.join('\n')).toContain(field);
    expect(await computerStreams()).toBe(before);
  });

  it('enrolls any number of computers with an auto-connect token until it is revoked', async () => {
    const issued = await request(app.url).post('/api/computers/enrollment-tokens').set(bearer(owner.accessToken)).expect(201);
    expect(issued.body).toMatchObject({ kind: 'enrollment-token', expiresAt: null, token: expect.any(String) });
    await enroll({ method: 'enrollment-token', token: issued.body.token }).expect(201);
    await enroll({ method: 'enrollment-token', token: issued.body.token }).expect(201);
    const tokens = await request(app.url).get('/api/computers/enrollment-tokens').set(bearer(owner.accessToken)).expect(200);
    expect(tokens.body.find((t: { tokenHash: string }) => t.tokenHash === issued.body.tokenHash)).toMatchObject({ uses: 2, revoked: false });
    expect(JSON.stringify(tokens.body)).not.toContain(issued.body.token);
    await request(app.url).delete(`/api/computers/enrollment-tokens/${issued.body.tokenHash}`).set(bearer(owner.accessToken)).expect(200);
    const refused = await enroll({ method: 'enrollment-token', token: issued.body.token }).expect(410);
    expect(refused.body.code).toBe('ENROLLMENT_TOKEN_REVOKED');
  });

  it('enrolls once with an add-computer link; a second use is ENROLLMENT_TOKEN_USED', async () => {
    const link = await request(app.url).post('/api/computers/add-computer-link').set(bearer(owner.accessToken)).expect(201);
    expect(link.body.url).toBe(`${app.url}/add-computer?link=${encodeURIComponent(link.body.token)}`);
    expect(Date.parse(link.body.expiresAt) - Date.parse(clock.now())).toBe(48 * HOUR);
    expect(link.body.downloads.linux).toBe(`${app.url}/api/computers/downloads/linux?link=${encodeURIComponent(link.body.token)}`);
    await enroll({ method: 'add-computer-link', token: link.body.token }).expect(201);
    const before = await computerStreams();
    const again = await enroll({ method: 'add-computer-link', token: link.body.token }).expect(410);
    expect(again.headers['content-type']).toMatch(PROBLEM);
    expect(again.body).toMatchObject({ code: 'ENROLLMENT_TOKEN_USED', detail: expect.stringMatching(/already been used/) });
    expect(await computerStreams()).toBe(before);
  });

  it('refuses an add-computer link after 48 hours with ENROLLMENT_TOKEN_EXPIRED', async () => {
    const link = await request(app.url).post('/api/computers/add-computer-link').set(bearer(owner.accessToken)).expect(201);
    clock.advance(48 * HOUR + 1000);
    const before = await computerStreams();
    const res = await enroll({ method: 'add-computer-link', token: link.body.token }).expect(410);
    expect(res.body).toMatchObject({ code: 'ENROLLMENT_TOKEN_EXPIRED', detail: expect.stringMatching(/expired/) });
    expect(await computerStreams()).toBe(before);
  });

  it.each([
    ['a malformed token', 'not-a-token'],
    ['a well-formed token of no account', `${randomUUID()}.${'C'.repeat(43)}`],
  ])('refuses %s with ENROLLMENT_TOKEN_INVALID', async (_what, token) => {
    const res = await enroll({ method: 'add-computer-link', token }).expect(401);
    expect(res.body.code).toBe('ENROLLMENT_TOKEN_INVALID');
  });
});
