import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { CommandRunner } from '../../application/command-runner';
import { CONSOLE_PROTOCOL_VERSION, type ConsoleServerMessage, type ReadModelUpdatedNotice } from '../../application/contracts/console.messages';
import type { SessionDetailsView, SessionHistoryPage, SessionListResponse, SessionRecordingView, SessionRow } from '../../application/contracts/session-history.contracts';
import { SESSION_RECORDER, type SessionRecorder } from '../../application/session/session-access.port';
import type { SessionCommand } from '../../domain/session/session.commands';
import { sessionDecider } from '../../domain/session/session.decide';
import type { SessionOpened } from '../../domain/session/session.events';
import type { Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import { ManualClock } from '../kit/counter-projection';
import { addMember } from './account-member';
import { bearer, signedUp, type Pair } from './auth-kit';
import { ConsoleClient, startApp, type E2eApp } from './e2e-app';

interface Person {
  readonly principal: Principal;
  readonly pair: Pair;
}

const T0 = Date.parse('2026-11-21T09:00:00.000Z');
const MINUTE = 60_000;

/** The frames of a recording chunk: `[u32 BE offset][u32 BE length][bytes]…`. */
function framesOf(chunk: Buffer): { offset: number; frame: Buffer }[] {
  const frames: { offset: number; frame: Buffer }[] = [];
  for (let at = 0; at < chunk.length; at += 8 + chunk.readUInt32BE(at + 4)) {
    frames.push({ offset: chunk.readUInt32BE(at), frame: chunk.subarray(at + 8, at + 8 + chunk.readUInt32BE(at + 4)) });
  }
  return frames;
}

/** A binary response body as a Buffer (supertest leaves octet-stream bodies to a parser). */
const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (part: Buffer) => parts.push(part));
  res.on('end', () => done(null, Buffer.concat(parts)));
};

/**
 * The session history over HTTP, on the real app: sessions driven through the Session decider (as
 * the session use cases drive it), a recording written by the app's own recorder into the files
 * blob store, then the lists, filters, pages, CSV, details and playback as the console reads them.
 */
describe('Session history over HTTP', () => {
  let app: E2eApp;
  let clock: ManualClock;
  let ann: Person; // owner of the account
  let tom: Person; // technician
  let lea: Person; // technician
  let zed: Person; // owner of another account
  const ids: Record<string, string> = {};
  const clients: ConsoleClient[] = [];

  /** The store's head after the last write of the test: reads wait (bounded) until the history has it. */
  let position = '0';
  const sync = async () => {
    position = await app.infra.eventStore.headPosition();
  };
  const get = (who: Person, url: string, query: Record<string, string | number> = {}) =>
    request(app.url)
      .get(url)
      .query({ ...query, ...(url.includes('recording') ? {} : { minPosition: position }) })
      .set(bearer(who.pair.accessToken));
  const rowIds = (body: { items: readonly SessionRow[] }) => body.items.map((r) => r.id);

  function run(sessionId: string, command: Pick<SessionCommand, 'type' | 'data'>, principal: Principal) {
    return app.app.get(CommandRunner).run(streamName('session', sessionId), sessionDecider, command as SessionCommand, principal, { correlationId: randomUUID() });
  }

  async function open(name: string, owner: Person, data: Partial<SessionOpened['data']> = {}): Promise<string> {
    const sessionId = randomBytes(16).toString('hex');
    ids[name] = sessionId;
    const waits = data.source === 'link' || data.source === 'connection-id';
    const { principal } = owner;
    await run(
      sessionId,
      {
        type: 'OpenSession',
        data: {
          sessionId,
          accountId: principal.tenantId,
          ownerUserId: principal.id,
          ownerName: `Name ${name}`,
          source: 'console',
          computerId: waits ? null : 'pc-reception',
          computerAccountId: null,
          computerName: waits ? null : 'Reception',
          ticket: null,
          endUserName: null,
          expiresAt: waits ? new Date(Date.parse(clock.now()) + 60 * MINUTE).toISOString() : null,
          recording: false,
          permalinkPath: null,
          ...data,
        },
      },
      principal,
    );
    return sessionId;
  }

  const join = (name: string, who: Person) => run(ids[name], { type: 'JoinSession', data: { userId: who.principal.id, displayName: `Display ${who.principal.id.slice(0, 4)}` } }, who.principal);
  const end = (name: string, who: Person) => run(ids[name], { type: 'EndSession', data: { reason: 'technician' } }, who.principal);
  const server = (tenantId: string): Principal => ({ kind: 'system', id: 'e2e-sessions', tenantId });

  async function person(signed: { pair: Pair; me: { id: string; accountId: string } }, role: Principal['role']): Promise<Person> {
    return { pair: signed.pair, principal: { kind: 'user', id: signed.me.id, tenantId: signed.me.accountId, role } };
  }

  /** A console socket signed in and subscribed to read-model notices. */
  async function consoleOf(who: Person): Promise<ConsoleClient> {
    const client = await ConsoleClient.connect(app.url);
    clients.push(client);
    client.send({ event: 'hello', data: { protocol: CONSOLE_PROTOCOL_VERSION, token: who.pair.accessToken } });
    await client.next('welcome');
    client.send({ event: 'subscribe', data: { topics: ['read-models'] } });
    const from = client.messages.length;
    client.send('round trip');
    await client.next('error', { from });
    return client;
  }

  beforeAll(async () => {
    clock = new ManualClock(T0);
    app = await startApp({ RECORDING_CHUNK_MS: '1000' }, { clock });
    const annSigned = await signedUp(app, `ann-${randomUUID().slice(0, 8)}@example.com`);
    ann = await person(annSigned, 'owner');
    tom = await person(await addMember(app, annSigned.me.accountId, annSigned.me.id, `tom-${randomUUID().slice(0, 8)}@example.com`), 'technician');
    lea = await person(await addMember(app, annSigned.me.accountId, annSigned.me.id, `lea-${randomUUID().slice(0, 8)}@example.com`), 'technician');
    zed = await person(await signedUp(app, `zed-${randomUUID().slice(0, 8)}@example.com`), 'owner');

    // Tom's console session on the reception PC: 2 min 5 s, recorded, a command line.
    clock.advance(MINUTE);
    await open('reception', tom, { recording: true, ticket: '=HYPERLINK("http://evil.example","x")' });
    await join('reception', tom);
    await run(ids.reception, { type: 'OpenPrompt', data: { promptId: 'p1' } }, tom.principal);
    await run(ids.reception, { type: 'RecordCommandLine', data: { promptId: 'p1', line: 'systemctl status' } }, tom.principal);
    clock.advance(2 * MINUTE + 5000);
    await end('reception', tom);
    // Tom's support link: Bob is ready, nobody connected yet.
    clock.advance(MINUTE);
    await open('link', tom, { source: 'link', ticket: 'T-100', endUserName: 'Bob' });
    await run(ids.link, { type: 'ArriveEndUser', data: { participantId: 'p-bob', name: 'Bob', ip: null, keyHash: 'b'.repeat(64), hostname: 'bob-laptop', platform: 'win32' } }, server(ann.principal.tenantId));
    // Lea's session on the lab PC, which Ann joined: active.
    clock.advance(MINUTE);
    await open('lab', lea, { computerId: 'pc-lab', computerName: 'Lab, 2nd floor' });
    await join('lab', lea);
    await join('lab', ann);
    // Another account's session.
    await open('other', zed);
    await sync();
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await app?.stop();
  });

  it('lists the available connections and active sessions of the caller; all of them for the owner only', async () => {
    const mine = (await get(tom, '/api/sessions').expect(200)).body as SessionListResponse;
    expect(rowIds(mine)).toEqual([ids.link]);
    expect(mine.items[0]).toMatchObject({ status: 'waiting', source: 'link', endUsers: [{ participantId: 'p-bob', name: 'Bob', present: true }], computerName: 'bob-laptop' });
    expect(rowIds((await get(ann, '/api/sessions', { scope: 'all' }).expect(200)).body)).toEqual([ids.lab, ids.link]);
    expect(rowIds((await get(ann, '/api/sessions', { scope: 'all', status: 'active' }).expect(200)).body)).toEqual([ids.lab]);
    const refused = await get(tom, '/api/sessions', { scope: 'all' });
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await get(tom, '/api/sessions', { status: 'ended' })).status).toBe(400);
    expect((await get(tom, '/api/sessions', { mine: 'yes' })).status).toBe(400);
    expect((await request(app.url).get('/api/sessions')).status).toBe(401);
  });

  it('gives the history newest first with duration, source and who took part, each caller what they may see', async () => {
    const page = (await get(ann, '/api/sessions/history').expect(200)).body as SessionHistoryPage;
    expect(rowIds(page)).toEqual([ids.lab, ids.link, ids.reception]);
    expect(page.next).toBeNull();
    expect(page.items[2]).toMatchObject({
      source: 'console',
      status: 'ended',
      openedAt: '2026-11-21T09:01:00.000Z',
      startedAt: '2026-11-21T09:01:00.000Z',
      endedAt: '2026-11-21T09:03:05.000Z',
      durationSeconds: 125,
      computerId: 'pc-reception',
      endReason: 'technician',
      commandLineCount: 1,
      technicians: [{ userId: tom.principal.id }],
    });
    expect(rowIds((await get(tom, '/api/sessions/history').expect(200)).body)).toEqual([ids.link, ids.reception]);
    expect(rowIds((await get(lea, '/api/sessions/history').expect(200)).body)).toEqual([ids.lab]);
    expect(rowIds((await get(zed, '/api/sessions/history').expect(200)).body)).toEqual([ids.other]);
  });

  it('filters by computer, period, technician and source, and pages with the cursor', async () => {
    const history = async (query: Record<string, string | number>) => rowIds((await get(ann, '/api/sessions/history', query).expect(200)).body);
    expect(await history({ computerId: 'pc-lab' })).toEqual([ids.lab]);
    expect(await history({ source: 'link' })).toEqual([ids.link]);
    expect(await history({ technicianId: tom.principal.id })).toEqual([ids.reception]);
    expect(await history({ from: '2026-11-21T09:04:00Z', to: '2026-11-21T09:05:00Z' })).toEqual([ids.link]);
    expect(await history({ from: '2026-11-22' })).toEqual([]);

    const first = (await get(ann, '/api/sessions/history', { limit: 2 }).expect(200)).body as SessionHistoryPage;
    expect(rowIds(first)).toEqual([ids.lab, ids.link]);
    const second = (await get(ann, '/api/sessions/history', { limit: 2, after: first.next! }).expect(200)).body as SessionHistoryPage;
    expect([rowIds(second), second.next]).toEqual([[ids.reception], null]);

    for (const [query, code] of [
      [{ after: 'garbage' }, 'INVALID_CURSOR'],
      [{ limit: 500 }, 'INVALID_LIMIT'],
      [{ source: 'fax' }, 'INVALID_FILTER'],
      [{ from: 'yesterday' }, 'INVALID_PERIOD'],
      [{ colour: 'blue' }, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await get(ann, '/api/sessions/history', query);
      expect([res.status, res.body.code]).toEqual([400, code]);
    }
  });

  it('exports the filtered history as CSV, streamed, with formulas defused', async () => {
    const res = await get(ann, '/api/sessions/history.csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="sessions-2026-11-21.csv"');
    const rows = parse(res.text, { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      'session',
      'opened at',
      'started at',
      'ended at',
      'duration (s)',
      'status',
      'source',
      'computer',
      'computer id',
      'owner',
      'technicians',
      'end users',
      'ticket',
      'end reason',
      'command lines',
      'recording chunks',
    ]);
    expect(rows.slice(1).map((r) => r[0])).toEqual([ids.lab, ids.link, ids.reception]);
    const display = (who: Person) => `Display ${who.principal.id.slice(0, 4)}`;
    expect(rows[1]).toEqual([ids.lab, '2026-11-21T09:05:05.000Z', '2026-11-21T09:05:05.000Z', '', '', 'active', 'console', 'Lab, 2nd floor', 'pc-lab', 'Name lab', `${display(lea)}; ${display(ann)}`, '', '', '', '0', '0']);
    expect(rows[3].slice(0, 7)).toEqual([ids.reception, '2026-11-21T09:01:00.000Z', '2026-11-21T09:01:00.000Z', '2026-11-21T09:03:05.000Z', '125', 'ended', 'console']);
    expect(rows[3][12]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(rows[2].slice(11, 13)).toEqual(['Bob', 'T-100']);

    const filtered = parse((await get(tom, '/api/sessions/history.csv', { source: 'link' }).expect(200)).text, { bom: true }) as string[][];
    expect(filtered.slice(1).map((r) => r[0])).toEqual([ids.link]);
    const invalid = await get(ann, '/api/sessions/history.csv', { to: 'soon' });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'INVALID_PERIOD']);
  });

  it('shows one session with its command lines to whoever may see it, and refuses (and records) the others', async () => {
    const details = (await get(tom, `/api/sessions/${ids.reception}`).expect(200)).body as SessionDetailsView;
    expect(details).toMatchObject({ id: ids.reception, durationSeconds: 125 });
    expect(details.commandLines).toEqual([{ promptId: 'p1', byUserId: tom.principal.id, line: 'systemctl status', at: '2026-11-21T09:01:00.000Z' }]);
    await get(ann, `/api/sessions/${ids.reception}`).expect(200);

    const refused = await get(lea, `/api/sessions/${ids.reception}`);
    expect([refused.status, refused.body.code]).toEqual([403, 'SESSION_FORBIDDEN']);
    const attempts = (await app.infra.eventStore.readAll({ limit: 100_000 })).filter((e) => e.type === 'SecurityAttemptRecorded' && e.data.action === 'join-session');
    expect(attempts.map((e) => [e.metadata.actor.id, e.data.reason])).toEqual([[lea.principal.id, 'forbidden']]);
    for (const [who, id] of [
      [zed, ids.reception],
      [ann, 'f'.repeat(32)],
      [ann, 'not an id'],
    ] as const) {
      const res = await get(who, `/api/sessions/${encodeURIComponent(id)}`);
      expect([res.status, res.body.code]).toEqual([404, 'SESSION_NOT_FOUND']);
    }
  });

  it('plays back a recording: its chunks with the session’s events, and each chunk’s frames', async () => {
    const recorder = app.app.get<symbol, SessionRecorder>(SESSION_RECORDER);
    const facts = { sessionId: ids.reception, tenantId: ann.principal.tenantId, source: 'console' as const, computerId: 'pc-reception', computerName: 'Reception', sharer: null, recording: true, ended: false };
    const frames = [randomBytes(1500), randomBytes(40), randomBytes(700)];
    const at = Date.parse('2026-11-21T09:01:10.000Z');
    recorder.record(facts, frames[0], at);
    recorder.record(facts, frames[1], at + 400);
    recorder.record(facts, frames[2], at + 1500);
    await recorder.finish(ids.reception);
    await sync();

    const listed = await get(tom, `/api/sessions/${ids.reception}/recording`).expect(200);
    const view = listed.body as SessionRecordingView;
    expect(view.chunks.map(({ chunk, from, to, frames: count }) => ({ chunk, from, to, frames: count }))).toEqual([
      { chunk: 0, from: '2026-11-21T09:01:10.000Z', to: '2026-11-21T09:01:10.400Z', frames: 2 },
      { chunk: 1, from: '2026-11-21T09:01:11.500Z', to: '2026-11-21T09:01:11.500Z', frames: 1 },
    ]);
    expect(view.events.map((e) => e.type)).toEqual(['SessionOpened', 'TechnicianJoined', 'SessionStarted', 'PromptOpened', 'CommandLineRecorded', 'SessionEnded']);
    expect(view.events.every((e) => typeof e.summary === 'string' && e.summary.length > 0)).toBe(true);

    const chunk = await request(app.url).get(`/api/sessions/${ids.reception}/recording/0`).set(bearer(tom.pair.accessToken)).buffer(true).parse(binary).expect(200);
    expect(chunk.headers['content-type']).toBe('application/octet-stream');
    const bytes = chunk.body as Buffer;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(view.chunks[0].sha256);
    expect(bytes.length).toBe(view.chunks[0].bytes);
    expect(framesOf(bytes)).toEqual([
      { offset: 0, frame: frames[0] },
      { offset: 400, frame: frames[1] },
    ]);
    expect((await get(tom, `/api/sessions/${ids.reception}/recording/1`).expect(200)).headers['content-length']).toBe(String(8 + 700));

    for (const path of ['recording/2', 'recording/x']) {
      const res = await get(tom, `/api/sessions/${ids.reception}/${path}`);
      expect([res.status, res.body.code]).toEqual([404, 'RECORDING_CHUNK_NOT_FOUND']);
    }
    expect((await get(lea, `/api/sessions/${ids.reception}/recording/0`)).status).toBe(403);
    expect((await get(zed, `/api/sessions/${ids.reception}/recording`)).status).toBe(404);
    await get(ann, `/api/sessions/${ids.reception}`).expect(200).expect((res) => expect(res.body.recordingChunks).toBe(2));
  });

  it('tells the consoles of the session’s owner, its technicians and the admins when it changes, not the others', async () => {
    const [annConsole, leaConsole, tomConsole] = [await consoleOf(ann), await consoleOf(lea), await consoleOf(tom)];
    const froms = [annConsole, leaConsole, tomConsole].map((c) => c.messages.length);
    await end('lab', lea);
    await sync();
    const isLab = (m: ConsoleServerMessage) => m.event === 'readModelUpdated' && (m.data as ReadModelUpdatedNotice).collection.startsWith('session-history_v') && m.data.id === ids.lab;
    const waitLab = async (client: ConsoleClient, from: number) => {
      for (let i = 0; i < 500 && !client.messages.slice(from).some(isLab); i++) await new Promise((r) => setTimeout(r, 10));
      return client.messages.slice(from).some(isLab);
    };
    expect(await waitLab(leaConsole, froms[1])).toBe(true);
    expect(await waitLab(annConsole, froms[0])).toBe(true);
    // Tom's socket has had the time to get it too: a round trip shows it got nothing.
    const from = tomConsole.messages.length;
    tomConsole.send('round trip');
    await tomConsole.next('error', { from });
    expect(tomConsole.messages.slice(froms[2]).some(isLab)).toBe(false);
    const row = (await get(ann, `/api/sessions/${ids.lab}`).expect(200)).body as SessionDetailsView;
    expect(row).toMatchObject({ status: 'ended', durationSeconds: 0, endReason: 'technician' });
  });
});
