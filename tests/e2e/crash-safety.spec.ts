import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HealthView } from '../../application/contracts/health.view';
import type { NewEvent, RecordedEvent } from '../../application/ports/event-store.port';
import { comparePositions, type Position } from '../../application/ports/position';
import { docKey } from '../../application/ports/read-store.port';
import { checkpointKey, type ProjectionCheckpoint } from '../../application/projections/projection-checkpoint';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import { SqliteEventStore } from '../../adapters/eventstore-sqlite/sqlite-event-store.adapter';
import { openEventStoreStack } from '../../adapters/nest/event-store-stack';
import { verifyEventStore } from '../../adapters/eventstore-shared/hash-chain';
import { MemoryReadStore } from '../../adapters/readstore-memory/memory-read-store.adapter';
import { ALL_PROJECTIONS } from '../../read-models';
import { ACCOUNT_LIST, accountListProjection } from '../../read-models/account-list/account-list.projection';
import { collectionName } from '../../read-models/projection';
import { SERVER_MAIN, killAllServers, spawnServer, startServer, waitUntilReady, type ServerProcess } from '../kit/server-process';

const EVENTS_FILE = 'events.sqlite3';
const SNAPSHOT_FILE = 'readstore.snapshot';
const LOCK_FILE = 'server.lock';
const LOOPS = 8;
const RENAMES_PER_ACCOUNT = 3;
/** The smallest interval the server accepts: a snapshot is written while the load runs. */
const SNAPSHOT_ENV = { SNAPSHOT_INTERVAL_MS: '1000' };
/** The collection the projection's current version writes (a version bump rebuilds into a new one). */
const ACCOUNT_COLLECTION = collectionName(ACCOUNT_LIST, accountListProjection.version);

type Kind = 'client-space' | 'msp';

/** One command sent by the load: `ack` once the server answered 2xx, `failed` when the crash cut it off. */
interface Attempt {
  readonly kind: 'register' | 'rename';
  readonly name: string;
  readonly accountKind: Kind;
  /** Known for renames; for registers only once acknowledged (the server makes the id). */
  accountId?: string;
  status: 'pending' | 'acked' | 'failed';
  ack?: { id: string; revision: number; position: Position };
}

const sha256 = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bounded polling for something asynchronous to arrive. */
async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await delay(25);
    value = await probe();
  }
  return value;
}

async function readEverything(store: SqliteEventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.length > 0 ? all[all.length - 1].position : '0', limit: 1000 });
    all.push(...page);
    if (page.length < 1000) return all;
  }
}

async function snapshotCheckpoint(file: string): Promise<ProjectionCheckpoint | null> {
  const store = await MemoryReadStore.open({ snapshotFile: file });
  try {
    return await store.getMeta<ProjectionCheckpoint>(checkpointKey(ACCOUNT_LIST));
  } finally {
    await store.close();
  }
}

/** Every projection the server runs has applied everything in the event store. */
async function caughtUp(server: ServerProcess): Promise<HealthView> {
  return until(
    'projections caught up',
    async () => (await (await fetch(`${server.url}/health`)).json()) as HealthView,
    (h) => h.eventStore.status === 'up' && h.projections.length > 0 && h.projections.every((p) => p.state === 'running' && p.checkpoint === h.eventStore.head),
    15_000,
  );
}

/**
 * Starts the server expecting it to refuse: it must exit non-zero within a few seconds with one
 * line on stderr that names the file, and no stack trace.
 */
async function expectRefusal(dataDir: string, file: string): Promise<string> {
  const server = await spawnServer({ dataDir, env: SNAPSHOT_ENV });
  // Ready means it served on a file it should have refused; not ready means it exited (or hung and was killed).
  const started = await waitUntilReady(server, 15_000).then(
    () => true,
    () => false,
  );
  if (started) {
    await server.kill('SIGKILL');
    throw new Error(`The server started on a bad ${path.basename(file)} instead of refusing; stderr:\n${server.stderr()}`);
  }
  const outcome = await server.exited;
  expect(outcome).toEqual({ code: 1, signal: null });
  const stderr = server.stderr();
  const line = new RegExp(`^switchboard: cannot start: Cannot use data file ${escapeRegExp(file)}: [^\\n]+\\. It was left untouched\\.$`, 'm');
  expect(stderr).toMatch(line);
  expect(stderr).not.toMatch(/^\s+at /m);
  return stderr;
}

describe('crash safety of the compiled server', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-crash-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(() => {
    // Not a skip: this suite exists to test the built artifact, and npm test builds before jest.
    if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run \`npm run build\` before this suite.`);
  });

  afterEach(async () => {
    await killAllServers();
  });

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('SIGKILL under load: every acknowledged command survives once, the chain verifies, read models equal a rebuild', async () => {
    const dataDir = await tempDir();
    const eventsFile = path.join(dataDir, EVENTS_FILE);
    const snapshotFile = path.join(dataDir, SNAPSHOT_FILE);
    const first = await startServer({ dataDir, env: SNAPSHOT_ENV });

    const attempts: Attempt[] = [];
    const unexpected: string[] = [];
    let inFlight = 0;
    let stopping = false;

    /** Sends one command; false when the connection broke (the crash), which ends the loop. */
    const send = async (attempt: Attempt, method: 'POST' | 'PATCH', url: string, body: unknown): Promise<boolean> => {
      attempts.push(attempt);
      inFlight += 1;
      try {
        const res = await fetch(url, {
          method,
          headers: { ...first.auth, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status !== 200 && res.status !== 201) {
          attempt.status = 'failed';
          unexpected.push(`${method} ${url} → ${res.status} ${text}`);
          return false;
        }
        const ack = JSON.parse(text) as { id: string; revision: number; position: Position };
        attempt.status = 'acked';
        attempt.ack = ack;
        attempt.accountId = ack.id;
        return true;
      } catch {
        attempt.status = 'failed';
        return false;
      } finally {
        inFlight -= 1;
      }
    };

    const loop = async (l: number): Promise<void> => {
      for (let a = 0; !stopping; a++) {
        const accountKind: Kind = (l + a) % 2 === 0 ? 'msp' : 'client-space';
        const register: Attempt = { kind: 'register', name: `L${l}-A${a}`, accountKind, status: 'pending' };
        if (!(await send(register, 'POST', `${first.url}/api/accounts`, { name: register.name, kind: accountKind }))) return;
        const id = register.ack!.id;
        for (let r = 1; r <= RENAMES_PER_ACCOUNT && !stopping; r++) {
          const rename: Attempt = { kind: 'rename', name: `L${l}-A${a}-r${r}`, accountKind, accountId: id, status: 'pending' };
          if (!(await send(rename, 'PATCH', `${first.url}/api/accounts/${id}`, { name: rename.name }))) return;
        }
      }
    };

    const loadStartedMs = Date.now();
    const loops = Array.from({ length: LOOPS }, (_, l) => loop(l));

    // Kill while requests are in flight, soon after a snapshot written during the load, once more
    // commands were acknowledged than that snapshot holds (the next one is a second away).
    const snapshotMtime = async () => (existsSync(snapshotFile) ? (await stat(snapshotFile)).mtimeMs : 0);
    const ackCount = () => attempts.filter((a) => a.status === 'acked').length;
    let seen = { mtime: 0, acks: 0, position: '0' };
    await until(
      'a fresh mid-load snapshot followed by acknowledged commands',
      async () => {
        const mtime = await snapshotMtime();
        if (mtime !== seen.mtime) seen = { mtime, acks: ackCount(), position: (await snapshotCheckpoint(snapshotFile))?.position ?? '0' };
        return (
          mtime >= loadStartedMs &&
          comparePositions(seen.position, '0') > 0 &&
          ackCount() >= seen.acks + 10 &&
          Date.now() - mtime < 800 &&
          inFlight > 0
        );
      },
      (ready) => ready,
      15_000,
    );

    const inFlightAtKill = inFlight;
    const killed = await first.kill('SIGKILL');
    stopping = true;
    await Promise.all(loops);

    expect(killed).toEqual({ code: null, signal: 'SIGKILL' });
    expect(unexpected).toEqual([]);
    expect(inFlightAtKill).toBeGreaterThan(0);
    const acked = attempts.filter((a) => a.status === 'acked');
    const cutOff = attempts.filter((a) => a.status === 'failed');
    expect(acked.length).toBeGreaterThan(20);
    expect(cutOff.length).toBeGreaterThan(0);
    expect(attempts.every((a) => a.status !== 'pending')).toBe(true);

    // The crash left the dead server's lock and a snapshot older than the last acknowledged command.
    expect((await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe(String(first.pid));
    const crashCheckpoint = await snapshotCheckpoint(snapshotFile);
    expect(crashCheckpoint).not.toBeNull();
    const lastAckPosition = acked.map((a) => a.ack!.position).reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b));
    expect(comparePositions(crashCheckpoint!.position, '0')).toBeGreaterThan(0);
    expect(comparePositions(lastAckPosition, crashCheckpoint!.position)).toBeGreaterThan(0);

    // Restart on the same directory: the stale lock must not block it.
    const second = await startServer({ dataDir, env: SNAPSHOT_ENV });

    // Each account reads back with its last acknowledged name, or the name of the rename the crash cut off.
    const lastAck = new Map<string, Attempt>();
    for (const a of acked) {
      const prev = lastAck.get(a.ack!.id);
      if (!prev || prev.ack!.revision < a.ack!.revision) lastAck.set(a.ack!.id, a);
    }
    const cutOffRename = new Map(cutOff.filter((a) => a.kind === 'rename').map((a) => [a.accountId!, a.name]));
    const ids = [...lastAck.keys()];
    const httpNames = new Map<string, string>();
    for (let i = 0; i < ids.length; i += LOOPS) {
      await Promise.all(
        ids.slice(i, i + LOOPS).map(async (id) => {
          const res = await fetch(`${second.url}/api/accounts/${id}?minPosition=${lastAck.get(id)!.ack!.position}`, { headers: second.auth });
          expect(res.status).toBe(200);
          const view = (await res.json()) as { id: string; name: string; kind: Kind };
          expect(view.id).toBe(id);
          expect(view.kind).toBe(lastAck.get(id)!.accountKind);
          expect([lastAck.get(id)!.name, cutOffRename.get(id)]).toContain(view.name);
          httpNames.set(id, view.name);
        }),
      );
    }

    // Let the projections apply everything, then stop gracefully: SIGTERM writes the last snapshot.
    const health = await caughtUp(second);
    const head = health.eventStore.head!;
    const served = health.projections.map((p) => `${p.name}@${p.version}`).sort();
    const defined = ALL_PROJECTIONS.map((p) => `${p.name}@${p.version}`).sort();
    if (served.join() !== defined.join()) {
      throw new Error(`The compiled server runs projections [${served.join(', ')}] but the sources define [${defined.join(', ')}]: dist/ is stale, run \`npm run build\``);
    }
    const stopped = await second.stop();
    expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    const store = SqliteEventStore.open({ file: eventsFile });
    try {
      const events = await readEverything(store);
      expect(await store.headPosition()).toBe(head);

      // (b) nothing twice: unique event ids and positions, contiguous revisions per stream, one event per command name.
      expect(new Set(events.map((e) => e.metadata.eventId)).size).toBe(events.length);
      expect(new Set(events.map((e) => e.position)).size).toBe(events.length);
      const byStream = new Map<string, RecordedEvent[]>();
      for (const e of events) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e]);
      for (const [stream, streamEvents] of byStream) {
        expect({ stream, revisions: streamEvents.map((e) => e.revision) }).toEqual({ stream, revisions: streamEvents.map((_, i) => i) });
      }
      const byName = new Map<string, RecordedEvent>();
      for (const e of events) {
        const name = String(e.data.name);
        expect({ duplicateName: name, already: byName.has(name) }).toEqual({ duplicateName: name, already: false });
        byName.set(name, e);
      }

      // (a) every acknowledged command is there, where the answer said, with the data that was sent.
      for (const a of acked) {
        const e = byName.get(a.name);
        expect({ command: a.name, found: e !== undefined }).toEqual({ command: a.name, found: true });
        expect({ stream: e!.stream, revision: e!.revision, position: e!.position }).toEqual({
          stream: `account-${a.ack!.id}`,
          revision: a.ack!.revision,
          position: a.ack!.position,
        });
        if (a.kind === 'register') {
          expect(e!.type).toBe('AccountRegistered');
          expect(e!.data).toMatchObject({ accountId: a.ack!.id, name: a.name, kind: a.accountKind });
        } else {
          expect(e!.type).toBe('AccountRenamed');
          expect(e!.data).toMatchObject({ accountId: a.ack!.id, name: a.name });
        }
      }
      // Anything else in the store is a command the crash cut off after its commit, never an invention.
      const byAttempt = new Map(attempts.map((a) => [a.name, a]));
      for (const e of events) {
        const attempt = byAttempt.get(String(e.data.name));
        expect({ event: e.data.name, sent: attempt !== undefined }).toEqual({ event: e.data.name, sent: true });
        if (attempt!.status === 'failed' && attempt!.kind === 'rename') expect(e.stream).toBe(`account-${attempt!.accountId}`);
      }

      // The HTTP answers above were the newest name in the store.
      for (const [id, name] of httpNames) {
        const streamEvents = byStream.get(`account-${id}`)!;
        expect(streamEvents[streamEvents.length - 1].data.name).toBe(name);
      }

      // (c) the tamper-evidence chain verifies, as `npm run audit:verify` does.
      expect(await verifyEventStore(store)).toEqual({ ok: true, streams: byStream.size, events: events.length });

      // (d) the read models the restarted server saved equal a fresh rebuild from the events, read as the
      // server reads them (through the crypto-shredding stack, so personal fields are in clear in both).
      const restored = await MemoryReadStore.open({ snapshotFile });
      expect(await restored.getMeta(checkpointKey(ACCOUNT_LIST))).toMatchObject({ position: head });
      const rebuilt = new MemoryReadStore();
      const stack = await openEventStoreStack({ dataDir, sqliteSynchronous: 'FULL' });
      const runner = new ProjectionRunner({
        eventStore: stack.store,
        readStore: rebuilt,
        projections: ALL_PROJECTIONS,
        clock: { now: () => '2030-01-01T00:00:00.000Z' },
      });
      await runner.start();
      try {
        for (const projection of ALL_PROJECTIONS) await runner.waitFor(projection.name, head, 20_000);
      } finally {
        await runner.stop();
        await stack.close();
      }
      const keys = [...byStream.keys()].map((stream) => {
        const id = stream.slice('account-'.length);
        return { tenantId: id, id };
      });
      const restoredDocs = await restored.loadMany(ACCOUNT_COLLECTION, keys);
      expect(restoredDocs.size).toBe(byStream.size);
      for (const { tenantId, id } of keys) {
        const streamEvents = byStream.get(`account-${id}`)!;
        expect(restoredDocs.get(docKey(tenantId, id))).toMatchObject({ id, name: streamEvents[streamEvents.length - 1].data.name });
      }
      expect(restored.digest()).toBe(rebuilt.digest());
      await restored.close();
    } finally {
      await store.close();
    }
  }, 60_000);

  describe('a data file that cannot be trusted stops the start with a clear error and stays untouched', () => {
    it('garbage in events.sqlite3', async () => {
      const dataDir = await tempDir();
      const file = path.join(dataDir, EVENTS_FILE);
      await writeFile(file, Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 131 + 7) % 251)));
      const before = await sha256(file);

      const stderr = await expectRefusal(dataDir, file);

      expect(stderr).toContain('not a SQLite database');
      expect(await sha256(file)).toBe(before);
      // Not even opened by SQLite: no journal files beside it.
      expect((await readdir(dataDir)).filter((f) => f.startsWith(EVENTS_FILE))).toEqual([EVENTS_FILE]);
    });

    it('events.sqlite3 with a valid header but a damaged page', async () => {
      const dataDir = await tempDir();
      const file = path.join(dataDir, EVENTS_FILE);
      const store = SqliteEventStore.open({ file });
      for (let s = 0; s < 200; s++) {
        const events: NewEvent[] = Array.from({ length: 5 }, (_, r) => ({
          type: r === 0 ? 'AccountRegistered' : 'AccountRenamed',
          data: { accountId: `acc${s}`, name: `Account ${s} v${r}`, kind: 'msp', registeredAt: '2025-01-01T00:00:00.000Z', renamedAt: '2025-01-01T00:00:00.000Z' },
          metadata: {
            eventId: `evt-${s}-${r}`,
            schemaVersion: 1,
            tenantId: `acc${s}`,
            actor: { kind: 'system', id: 'crash-safety' },
            correlationId: `c-${s}`,
            causationId: `c-${s}`,
            occurredAt: '2025-01-01T00:00:00.000Z',
          },
        }));
        await store.appendToStream(`account-acc${s}`, events, 'no_stream');
      }
      await store.close();
      const { size } = await stat(file);
      const pageSize = 4096;
      expect(size / pageSize).toBeGreaterThan(20);
      const handle = await open(file, 'r+');
      try {
        await handle.write(Buffer.alloc(pageSize, 0x5a), 0, pageSize, Math.floor(size / pageSize / 2) * pageSize);
      } finally {
        await handle.close();
      }
      const before = await sha256(file);

      const stderr = await expectRefusal(dataDir, file);

      expect(stderr).toContain('it is damaged (quick_check:');
      expect(await sha256(file)).toBe(before);
    });

    it.each([
      ['garbage', async (file: string) => writeFile(file, Buffer.alloc(4096, 0xa7))],
      [
        'truncated',
        async (file: string) => {
          const store = new MemoryReadStore({ snapshotFile: file });
          await store.bulkWrite(ACCOUNT_COLLECTION, [
            { kind: 'upsert', doc: { id: 'a1', tenantId: 'a1', name: 'Kept', kind: 'msp', status: 'open', _pos: '1' } },
          ]);
          await store.flush();
          const { size } = await stat(file);
          await truncate(file, Math.floor(size / 2));
        },
      ],
    ])('a %s readstore.snapshot', async (_label, damage) => {
      const dataDir = await tempDir();
      const file = path.join(dataDir, SNAPSHOT_FILE);
      await damage(file);
      const before = await sha256(file);

      await expectRefusal(dataDir, file);

      expect(await sha256(file)).toBe(before);
    });
  });
});
