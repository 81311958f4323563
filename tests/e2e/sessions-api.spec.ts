import { createHash } from 'node:crypto';
import request from 'supertest';
import { SESSION_ACCESS, type SessionAccess, type ViewerGrant } from '../../application/session/session-access.port';
import type { RelayPayload } from '../../application/ports/session-relay.port';
import { streamName } from '../../domain/shared/stream-name';
import { ManualClock } from '../kit/counter-projection';
import { addMember } from './account-member';
import { enrollWithPassword, eventually, streamEvents } from './agent-kit';
import { bearer, mailTo, PROBLEM, signedUp, STRONG_PASSWORD, template, type Pair } from './auth-kit';
import { ViewerClient } from './session-viewer';
import { startApp, type E2eApp } from './e2e-app';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const FACTS = { hostname: 'ann-laptop', platform: 'linux' };
const CODE_TTL_MS = 600_000;
const origin = { ip: '127.0.0.1' };

describe('remote sessions over HTTP', () => {
  let app: E2eApp;
  let clock: ManualClock;
  let owner: { pair: Pair; me: { id: string; accountId: string } };
  let colleague: { pair: Pair; me: { id: string; accountId: string } };
  let computerId: string;
  let access: SessionAccess;

  const api = () => request(app.url);
  const as = (who: { pair: Pair }) => bearer(who.pair.accessToken);
  const sessionTypes = async (sessionId: string) => (await streamEvents(app.infra.eventStore, streamName('session', sessionId))).map((e) => e.type);
  const securityAttempts = async (tenant: string) => {
    const res = await api().get('/api/audit').query({ tenant, type: 'SecurityAttemptRecorded', limit: 100 }).set(app.auth).expect(200);
    return (res.body.entries as { summary: string }[]).map((i) => i.summary);
  };

  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2026-11-21T10:00:00.000Z'));
    app = await startApp({}, { clock });
    access = app.app.get<SessionAccess>(SESSION_ACCESS);
    owner = await signedUp(app, 'olive@example.com');
    colleague = await addMember(app, owner.me.accountId, owner.me.id, 'colin@example.com');
    computerId = (await enrollWithPassword(app.url, 'olive@example.com', STRONG_PASSWORD)).computerId;
  }, 30_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('support link: made, mailed, looked up, joined; the first end-user shares at once', async () => {
    const res = await api()
      .post('/api/sessions/links')
      .set(as(owner))
      .send({ ticket: 'T-42', endUserName: 'Ann', shorten: true, email: 'ann@example.com' })
      .expect(201);
    const { sessionId, url, shortUrl, emailed } = res.body as { sessionId: string; url: string; shortUrl: string; emailed: boolean };
    const token = /\/support\/([A-Za-z0-9_-]+)\?ticket=T-42&name=Ann$/.exec(url)?.[1] ?? '';
    expect(token.length).toBeGreaterThanOrEqual(22);
    expect(sessionId).toBe(sha256(token).slice(0, 32));
    expect(shortUrl).toMatch(new RegExp(`/s/${token}$`));
    expect(emailed).toBe(true);
    expect((await mailTo(app, 'ann@example.com', template('support-link'))).text).toContain(shortUrl);

    const link = await api().get(`/api/support/links/${token}`).expect(200);
    expect(link.body).toMatchObject({ ticket: 'T-42', endUserName: 'Ann', state: 'open' });
    await api().get(`/api/support/links/${'x'.repeat(43)}`).expect(404);

    const joined = await api().post('/api/support/join').send({ link: shortUrl, name: 'Ann', facts: FACTS }).expect(201);
    expect(joined.body).toMatchObject({ sessionId, wsUrl: expect.stringMatching(/^ws:\/\/.+\/agent$/) });
    const { participantId, participantKey } = joined.body as { participantId: string; participantKey: string };
    const events = await streamEvents(app.infra.eventStore, streamName('session', sessionId));
    expect(events.map((e) => e.type)).toEqual(['SessionOpened', 'EndUserArrived', 'ScreenSharerChosen']);
    expect(events[1].data).toMatchObject({ participantId, name: 'Ann', keyHash: sha256(participantKey), hostname: 'ann-laptop' });
    expect(JSON.stringify(events)).not.toContain(participantKey);

    const grant = await access.authenticateParticipant(participantKey, origin);
    expect(grant).toMatchObject({ sessionId, participantId, sharer: participantId, source: 'link' });
    expect(await access.authenticateParticipant(`${participantKey.slice(0, -2)}xx`, origin)).toMatchObject({ refused: 'UNAUTHORIZED' });
  });

  it('refuses unknown fields and a join naming both a link and a code, changing nothing', async () => {
    const before = (await app.infra.eventStore.readAll({ limit: 100_000 })).length;
    const bad = await api().post('/api/sessions/codes').set(as(owner)).send({ digits: 4 }).expect(400);
    expect(bad.headers['content-type']).toMatch(PROBLEM);
    await api().post('/api/support/join').send({ link: 'x'.repeat(43), code: '123456', name: 'Ann', facts: null }).expect(400);
    await api().post('/api/support/join').send({ code: '12345', name: 'Ann', facts: null }).expect(400);
    expect((await app.infra.eventStore.readAll({ limit: 100_000 })).length).toBe(before);
  });

  it('connection ID: 6 digits, joined once; used again 410; an expired one 410', async () => {
    const issued = await api().post('/api/sessions/codes').set(as(owner)).send({}).expect(201);
    const { code, sessionId } = issued.body as { code: string; sessionId: string };
    expect(code).toMatch(/^\d{6}$/);
    const joined = await api().post('/api/support/join').send({ code, name: 'Bob', facts: null }).expect(201);
    expect(joined.body.sessionId).toBe(sessionId);
    expect(await sessionTypes(sessionId)).toEqual(['SessionOpened', 'EndUserArrived', 'ScreenSharerChosen']);
    const used = await api().post('/api/support/join').send({ code, name: 'Eve', facts: null }).expect(410);
    expect(used.body.code).toBe('CONNECTION_CODE_USED');

    const late = (await api().post('/api/sessions/codes').set(as(owner)).send({}).expect(201)).body as { code: string; sessionId: string };
    clock.advance(CODE_TTL_MS + 1);
    const expired = await api().post('/api/support/join').send({ code: late.code, name: 'Bob', facts: null }).expect(410);
    expect(expired.body.code).toBe('CONNECTION_CODE_EXPIRED');
    expect(await sessionTypes(late.sessionId)).toEqual(['SessionOpened']);
  });

  it('one click on a computer: the owner opens and joins; a colleague who may not see it is refused and audited', async () => {
    const opened = await api().post('/api/sessions').set(as(owner)).send({ computerId }).expect(201);
    const { sessionId } = opened.body as { sessionId: string };
    const grant = await access.joinAsViewer(owner.pair.accessToken, sessionId, origin);
    expect(grant).toMatchObject({ sessionId, kind: 'technician', userId: owner.me.id, computerId, source: 'console' });
    expect(await sessionTypes(sessionId)).toEqual(['SessionOpened', 'TechnicianJoined', 'SessionStarted']);

    await api().post('/api/sessions').set(as(colleague)).send({ computerId }).expect(403);
    await api().post('/api/sessions').set(as(owner)).send({ computerId: 'no-such-computer' }).expect(404);
    const refused = await access.joinAsViewer(colleague.pair.accessToken, sessionId, origin);
    expect(refused).toMatchObject({ refused: 'FORBIDDEN' });
    expect(await access.joinAsViewer('not-a-token', sessionId, origin)).toMatchObject({ refused: 'UNAUTHORIZED' });
    expect(await sessionTypes(sessionId)).toEqual(['SessionOpened', 'TechnicianJoined', 'SessionStarted']);
    await api().delete(`/api/sessions/${sessionId}`).set(as(colleague)).expect(403);
    await eventually(async () => {
      const attempts = await securityAttempts(owner.me.accountId);
      return attempts.filter((s) => s.startsWith('Refused joining a session')).length >= 3 && attempts;
    }, 'the refused joins in the audit log');
  });

  it('ending: viewers and the agent are told once; ending twice is a no-op', async () => {
    const { sessionId } = (await api().post('/api/sessions').set(as(owner)).send({ computerId }).expect(201)).body as { sessionId: string };
    await access.joinAsViewer(owner.pair.accessToken, sessionId, origin);
    const viewers: RelayPayload[] = [];
    const agent: string[] = [];
    const stopViewers = app.infra.sessionRelay.subscribeViewers(sessionId, (p) => viewers.push(p));
    const stopAgent = app.infra.sessionRelay.subscribeAgent(sessionId, (t) => agent.push(t));
    await app.infra.sessionRelay.ready();
    await api().delete(`/api/sessions/${sessionId}`).set(as(owner)).expect(204);
    await api().delete(`/api/sessions/${sessionId}`).set(as(owner)).expect(204);
    expect(await access.end(sessionId, 'agent-lost', null, origin)).toBe(false);
    await eventually(() => viewers.length > 0 && agent.length > 0, 'the end told through the relay');
    stopViewers();
    stopAgent();
    const ended = (await streamEvents(app.infra.eventStore, streamName('session', sessionId))).filter((e) => e.type === 'SessionEnded');
    expect(ended).toHaveLength(1);
    expect(ended[0].data).toMatchObject({ reason: 'technician', by: { kind: 'user', id: owner.me.id } });
    expect(viewers).toEqual([{ text: JSON.stringify({ type: 'ended', reason: 'technician' }) }]);
    expect(agent.map((t) => JSON.parse(t))).toEqual([{ type: 'session-end', sessionId, reason: 'technician' }]);
    expect(await access.joinAsViewer(owner.pair.accessToken, sessionId, origin)).toMatchObject({ refused: 'ENDED' });
  });

  it('recording setting: owner turns it on (account view and new sessions follow); a technician may not', async () => {
    await api().put('/api/account/session-recording').set(as(colleague)).send({ enabled: true }).expect(403);
    await api().put('/api/account/session-recording').set(as(owner)).send({ enabled: true }).expect(204);
    await eventually(async () => {
      const view = await api().get(`/api/accounts/${owner.me.accountId}`).set(as(owner)).expect(200);
      return view.body.sessionRecording === true;
    }, 'the account view shows recording on');
    const { sessionId } = (await api().post('/api/sessions').set(as(owner)).send({ computerId }).expect(201)).body as { sessionId: string };
    expect((await access.describe(sessionId))?.recording).toBe(true);
  });

  it('permalink: guests open it with the password and a viewer token bound to the session; wrong passwords 401, then 429', async () => {
    const password = 'Front-Desk-Lantern-7';
    const created = await api().post('/api/permalinks').set(as(owner)).send({ path: 'front-desk', computerId, public: true, password }).expect(201);
    expect(created.body.url).toMatch(new RegExp(`/p/${owner.me.accountId}/front-desk$`));
    await api().post('/api/permalinks').set(as(owner)).send({ path: 'front-desk', computerId, public: false }).expect(409);
    await api().post('/api/permalinks').set(as(owner)).send({ path: 'Bad Path', computerId, public: false }).expect(400);
    await api().post('/api/permalinks').set(as(owner)).send({ path: 'open-door', computerId, public: true }).expect(422);
    const listed = await eventually(async () => {
      const res = await api().get('/api/permalinks').set(as(owner)).expect(200);
      return res.body.items.length > 0 && res.body.items;
    }, 'the permalink in the list');
    expect(listed).toEqual([
      { path: 'front-desk', computerId, computerName: expect.any(String), public: true, hasPassword: true, createdAt: expect.any(String), url: created.body.url },
    ]);
    const base = `/api/p/${owner.me.accountId}/front-desk`;
    expect((await api().get(base).expect(200)).body).toEqual({ computerName: expect.any(String), public: true, needsPassword: true });

    const member = await api().post(`${base}/open`).set(as(owner)).send({}).expect(201);
    expect(member.body.viewerToken).toBeNull();
    const guest = await api().post(`${base}/open`).send({ password }).expect(201);
    const { sessionId, viewerToken } = guest.body as { sessionId: string; viewerToken: string };
    expect(await access.joinAsViewer(viewerToken, sessionId, origin)).toMatchObject({ kind: 'guest', sessionId, source: 'permalink' });
    expect(await access.joinAsViewer(viewerToken, member.body.sessionId, origin)).toMatchObject({ refused: 'FORBIDDEN' });
    await api().get('/api/me').set(bearer(viewerToken)).expect(401);
    // A guest watches but never gets a shell: refused before anything reaches the agent, and nothing recorded.
    const guestViewer = await ViewerClient.join(app.url, sessionId, viewerToken);
    try {
      guestViewer.send({ type: 'prompt-open', promptId: 'g1', cols: 80, rows: 24 });
      expect(await guestViewer.next('error')).toMatchObject({ code: 'FORBIDDEN' });
      expect(guestViewer.messages.some((m) => m.type === 'prompt-opened')).toBe(false);
      expect(await sessionTypes(sessionId)).not.toContain('PromptOpened');
    } finally {
      await guestViewer.close();
    }

    const wrong = await api().post(`${base}/open`).send({ password: 'guess-guess' }).expect(401);
    expect(wrong.body.code).toBe('PERMALINK_PASSWORD_WRONG');
    let limited: request.Response | undefined;
    for (let i = 0; i < 10 && !limited; i++) {
      const res = await api().post(`${base}/open`).send({ password: `guess-${i}-guess` });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(401);
    }
    expect(limited?.headers['retry-after']).toMatch(/^\d+$/);
    await api().post(`${base}/open`).send({ password }).expect(429);
    await eventually(async () => (await securityAttempts(owner.me.accountId)).filter((s) => s.startsWith('Refused permalink')).length >= 7, 'the refused permalink opens in the audit log');
  });

  it('brute-forcing connection IDs from one address: 404s, then 429 with Retry-After, every refusal audited', async () => {
    let limited: request.Response | undefined;
    let misses = 0;
    for (let i = 0; i < 12 && !limited; i++) {
      const res = await api().post('/api/support/join').send({ code: String(100000 + i), name: 'Mallory', facts: null });
      if (res.status === 429) limited = res;
      else {
        expect(res.status).toBe(404);
        misses++;
      }
    }
    expect(limited?.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(misses).toBeGreaterThanOrEqual(4);
    const attempts = await eventually(async () => {
      const all = await securityAttempts('anonymous');
      return all.some((s) => s.includes('rate limited')) && all;
    }, 'the rate-limited attempt in the audit log');
    expect(attempts.filter((s) => s.startsWith('Refused connection ID: connection code unknown')).length).toBeGreaterThanOrEqual(misses);
  });
});
