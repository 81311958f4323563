import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ReadModelBehindError } from '../../../../application/errors';
import { UnknownProjectionError } from '../../../../application/projections/projection-registry';
import {
  ProjectionRunner,
  type ProjectionRunnerOptions,
  type ReadModelChange,
  type RebuildProgress,
} from '../../../../application/projections/projection-runner';
import type { EventStore } from '../../../../application/ports/event-store.port';
import type { ReadStore, WriteOp } from '../../../../application/ports/read-store.port';
import { MemoryEventStore } from '../../../../adapters/eventstore-memory/memory-event-store.adapter';
import { UpcasterRegistry } from '../../../../adapters/eventstore-shared/upcasting';
import { SqliteEventStore } from '../../../../adapters/eventstore-sqlite/sqlite-event-store.adapter';
import { MemoryReadStore } from '../../../../adapters/readstore-memory/memory-read-store.adapter';
import {
  ManualClock,
  TickingClock,
  appendEach,
  counterEvent,
  counterProjection,
  increments,
  type CounterDoc,
} from '../../../kit/counter-projection';

const runners: ProjectionRunner[] = [];

function runner(options: Partial<ProjectionRunnerOptions> & Pick<ProjectionRunnerOptions, 'eventStore' | 'readStore'>): ProjectionRunner {
  const r = new ProjectionRunner({ projections: [counterProjection()], clock: new ManualClock(), batchSize: 4, ...options });
  runners.push(r);
  return r;
}

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

async function doc(store: ReadStore, collection: string, tenantId: string, id: string): Promise<CounterDoc | null> {
  return store.forTenant(tenantId).collection<CounterDoc>(collection).get(id);
}

/** Bounded wait for something that arrives asynchronously. */
async function eventually(check: () => Promise<void> | void, attempts = 200): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await check();
      return;
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** A memory read store whose bulkWrite into one collection can be held until the test lets it go. */
function gated(inner: MemoryReadStore): { store: ReadStore; hold(collection: string): { reached: Promise<void>; release(): void } } {
  let gate: { collection: string; hit: () => void; open: Promise<void> } | null = null;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'bulkWrite') {
        return async (collection: string, ops: readonly WriteOp[], meta?: Readonly<Record<string, unknown>>) => {
          if (gate && gate.collection === collection) {
            gate.hit();
            await gate.open;
          }
          return target.bulkWrite(collection, ops, meta);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as ReadStore;
  return {
    store,
    hold(collection) {
      let hit!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (hit = resolve));
      const open = new Promise<void>((resolve) => (release = resolve));
      gate = { collection, hit, open };
      return {
        reached,
        release: () => {
          gate = null;
          release();
        },
      };
    },
  };
}

/** A memory read store whose next `failures` bulkWrites throw, as a disk or a network would. */
function flaky(inner: MemoryReadStore, failures: number): ReadStore {
  let left = failures;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'bulkWrite') {
        return async (collection: string, ops: readonly WriteOp[], meta?: Readonly<Record<string, unknown>>) => {
          if (left > 0) {
            left -= 1;
            throw new Error('disk unavailable');
          }
          return target.bulkWrite(collection, ops, meta);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as ReadStore;
}

describe('ProjectionRunner on the memory adapters', () => {
  let events: MemoryEventStore;
  let reads: MemoryReadStore;

  beforeEach(async () => {
    events = new MemoryEventStore();
    reads = await MemoryReadStore.open();
  });

  it('applies events in order, batch after batch, forces id and tenant, and checkpoints past unhandled events', async () => {
    const positions = await appendEach(events, [
      ...increments(12),
      counterEvent('SomethingElseHappened', { counterId: 'c0' }),
      counterEvent('CounterIncremented', { by: 5 }),
    ]);
    const head = positions[positions.length - 1];
    const r = runner({ eventStore: events, readStore: reads });
    await r.start();
    await r.waitFor('counter', head, 5000);

    expect(r.activeCollection('counter')).toBe('counter_v1');
    const c0 = await doc(reads, 'counter_v1', 'tenant-a', 'c0');
    expect(c0).toEqual({
      id: 'c0',
      tenantId: 'tenant-a',
      count: 2,
      applied: [positions[0], positions[6]],
      _pos: positions[6],
    });
    const all = [
      ...(await reads.forTenant('tenant-a').collection<CounterDoc>('counter_v1').find({}, { sort: { id: 1 } })),
      ...(await reads.forTenant('tenant-b').collection<CounterDoc>('counter_v1').find({}, { sort: { id: 1 } })),
    ];
    expect(all).toHaveLength(6);
    const applied = all.flatMap((d) => d.applied);
    expect([...applied].sort((a, b) => Number(a) - Number(b))).toEqual(positions.slice(0, 12));
    for (const d of all) expect(d.applied).toEqual([...d.applied].sort((a, b) => Number(a) - Number(b)));
    expect(await reads.getMeta('projection:counter')).toEqual({ version: 1, collection: 'counter_v1', position: head });
    expect(r.checkpoint('counter')).toBe(head);
  });

  it('follows live appends, resolves waitFor from the commit and tells change listeners', async () => {
    const r = runner({ eventStore: events, readStore: reads });
    await r.start();
    const changes: ReadModelChange[] = [];
    const subscription = r.changes$.subscribe((change) => changes.push(change));

    const [created] = await appendEach(events, [counterEvent('CounterIncremented', { counterId: 'x', by: 2 }, 'tenant-b')]);
    await r.waitFor('counter', created, 5000);
    expect((await doc(reads, 'counter_v1', 'tenant-b', 'x'))?.count).toBe(2);

    const burst = await appendEach(events, increments(9, 1));
    await r.waitFor('counter', burst[8], 5000);
    expect((await doc(reads, 'counter_v1', 'tenant-a', 'c0'))?.count).toBe(5);
    expect((await doc(reads, 'counter_v1', 'tenant-b', 'c0'))?.count).toBe(4);

    const [deleted] = await appendEach(events, [counterEvent('CounterDeleted', { counterId: 'x' }, 'tenant-b')]);
    await r.waitFor('counter', deleted, 5000);
    expect(await doc(reads, 'counter_v1', 'tenant-b', 'x')).toBeNull();
    subscription.unsubscribe();

    expect(changes[0]).toEqual({ projection: 'counter', collection: 'counter_v1', id: 'x', tenantId: 'tenant-b', position: created, deleted: false });
    expect(changes[changes.length - 1]).toEqual({
      projection: 'counter',
      collection: 'counter_v1',
      id: 'x',
      tenantId: 'tenant-b',
      position: deleted,
      deleted: true,
    });
    const health = await r.health();
    expect(health).toEqual([{ name: 'counter', version: 1, state: 'running', checkpoint: deleted, lagEvents: 0, lagMs: 0 }]);
  });

  it('replaying over events already applied changes nothing', async () => {
    const positions = await appendEach(events, [...increments(10), counterEvent('CounterDeleted', { counterId: 'c1' }, 'tenant-b')]);
    const head = positions[positions.length - 1];
    const first = runner({ eventStore: events, readStore: reads });
    await first.start();
    await first.waitFor('counter', head, 5000);
    await first.stop();
    const before = reads.digest();

    // Move the checkpoint back to the start: every event comes again.
    await reads.setMeta('projection:counter', { version: 1, collection: 'counter_v1', position: '0' });
    const calls = { count: 0 };
    const second = runner({ eventStore: events, readStore: reads, projections: [counterProjection({ calls })] });
    await second.start();
    await second.waitFor('counter', head, 5000);

    expect(reads.digest()).toBe(before);
    // Only the deleted counter's three events run again (a deleted document keeps no _pos); the result is the same.
    expect(calls.count).toBe(3);
  });

  it('a new runner over the same stores resumes from the checkpoint without duplicates', async () => {
    const firstPositions = await appendEach(events, increments(7));
    const first = runner({ eventStore: events, readStore: reads });
    await first.start();
    await first.waitFor('counter', firstPositions[6], 5000);
    await first.stop();

    const more = await appendEach(events, increments(5));
    const calls = { count: 0 };
    const second = runner({ eventStore: events, readStore: reads, projections: [counterProjection({ calls })] });
    await second.start();
    await second.waitFor('counter', more[4], 5000);

    expect(calls.count).toBe(5);
    const everything = [...firstPositions, ...more];
    const docs = [
      ...(await reads.forTenant('tenant-a').collection<CounterDoc>('counter_v1').find()),
      ...(await reads.forTenant('tenant-b').collection<CounterDoc>('counter_v1').find()),
    ];
    const applied = docs.flatMap((d) => d.applied).sort((a, b) => Number(a) - Number(b));
    expect(applied).toEqual(everything);
  });

  it('a version bump rebuilds into a new collection and switches only when caught up, serving the old one meanwhile', async () => {
    const positions = await appendEach(events, increments(6));
    const v1 = runner({ eventStore: events, readStore: reads });
    await v1.start();
    await v1.waitFor('counter', positions[5], 5000);
    await v1.stop();

    const { store, hold } = gated(reads);
    const gate = hold('counter_v2');
    const v2 = runner({ eventStore: events, readStore: store, projections: [counterProjection({ version: 2, factor: 10 })] });
    await v2.start();
    await gate.reached;

    expect(v2.activeCollection('counter')).toBe('counter_v1');
    expect((await doc(reads, 'counter_v1', 'tenant-a', 'c0'))?.count).toBe(1);
    expect((await v2.health())[0].state).toBe('rebuilding');
    const [later] = await appendEach(events, [counterEvent('CounterIncremented', { counterId: 'c0', by: 1 })]);
    await expect(v2.waitFor('counter', later, 20)).rejects.toBeInstanceOf(ReadModelBehindError);
    const waiting = v2.waitFor('counter', later, 5000);

    gate.release();
    await waiting;
    expect(v2.activeCollection('counter')).toBe('counter_v2');
    expect((await doc(reads, 'counter_v2', 'tenant-a', 'c0'))?.count).toBe(20);
    expect(await reads.listCollections()).not.toContain('counter_v1');
    expect(await reads.getMeta('projection:counter')).toEqual({ version: 2, collection: 'counter_v2', position: later });
    expect(await reads.getMeta('projection:counter:rebuild')).toBeNull();

    // Live on the new collection after the switch.
    const [after] = await appendEach(events, [counterEvent('CounterIncremented', { counterId: 'c0', by: 1 })]);
    await v2.waitFor('counter', after, 5000);
    expect((await doc(reads, 'counter_v2', 'tenant-a', 'c0'))?.count).toBe(30);
    expect((await v2.health())[0].state).toBe('running');
  });

  it('a throwing evolve stops that projection at the event; its checkpoint stays before it; others go on', async () => {
    const positions = await appendEach(events, [
      counterEvent('CounterIncremented', { counterId: 'k', by: 1 }),
      counterEvent('CounterIncremented', { counterId: 'k', by: 1 }),
      counterEvent('CounterBroken', { counterId: 'k' }),
      counterEvent('CounterIncremented', { counterId: 'k', by: 1 }),
      counterEvent('CounterIncremented', { counterId: 'j', by: 1 }),
    ]);
    const broken = positions[2];
    const other = counterProjection({ name: 'other' });
    const quiet = new ProjectionRunner({
      eventStore: events,
      readStore: reads,
      clock: new ManualClock(),
      projections: [{ ...other, canHandle: ['CounterIncremented'] }, counterProjection({ name: 'failing' })],
    });
    runners.push(quiet);
    await quiet.start();
    await quiet.waitFor('other', positions[4], 5000);
    await eventually(async () => expect((await quiet.health()).find((h) => h.name === 'failing')?.state).toBe('failed'));

    const failing = (await quiet.health()).find((h) => h.name === 'failing');
    expect(failing).toMatchObject({
      state: 'failed',
      checkpoint: positions[1],
      error: { position: broken, eventType: 'CounterBroken', message: 'counter k is broken' },
    });
    expect(failing?.lagEvents).toBe(3);
    expect(await reads.getMeta('projection:failing')).toEqual({ version: 1, collection: 'failing_v1', position: positions[1] });
    expect((await doc(reads, 'failing_v1', 'tenant-a', 'k'))?.count).toBe(2);
    expect(await doc(reads, 'failing_v1', 'tenant-a', 'j')).toBeNull();
    expect((await doc(reads, 'other_v1', 'tenant-a', 'k'))?.count).toBe(3);
    await expect(quiet.waitFor('failing', positions[4], 5000)).rejects.toBeInstanceOf(ReadModelBehindError);

    // A restart meets the same event and stops there again: it never skips.
    await quiet.stop();
    const restarted = runner({ eventStore: events, readStore: reads, projections: [counterProjection({ name: 'failing' })] });
    await restarted.start();
    await eventually(async () => expect((await restarted.health())[0].state).toBe('failed'));
    expect(restarted.checkpoint('failing')).toBe(positions[1]);
    expect((await doc(reads, 'failing_v1', 'tenant-a', 'k'))?.count).toBe(2);
  });

  it('an event the store cannot upcast stops the projection right before it', async () => {
    const strict = new MemoryEventStore({ upcasters: new UpcasterRegistry([], { currentVersions: { CounterIncremented: 1 } }) });
    const positions = await appendEach(strict, [
      ...increments(3),
      counterEvent('CounterIncremented', { counterId: 'c0', by: 1 }, 'tenant-a', '2025-01-01T00:00:00.000Z', 7),
      ...increments(2),
    ]);
    const r = runner({ eventStore: strict, readStore: reads, batchSize: 100 });
    await r.start();
    await eventually(async () => expect((await r.health())[0].state).toBe('failed'));
    const [health] = await r.health();
    expect(health.checkpoint).toBe(positions[2]);
    expect(health.error).toMatchObject({ position: positions[3], eventType: 'CounterIncremented' });
    expect((await doc(reads, 'counter_v1', 'tenant-a', 'c0'))?.count).toBe(1);
  });

  it('waitFor resolves at once when already there, times out with ReadModelBehindError, refuses unknown projections', async () => {
    const [p] = await appendEach(events, increments(1));
    const r = runner({ eventStore: events, readStore: reads });
    await expect(r.waitFor('counter', p, 10)).rejects.toBeInstanceOf(ReadModelBehindError);
    await r.start();
    await r.waitFor('counter', p, 5000);
    await expect(r.waitFor('counter', p, 0)).resolves.toBeUndefined();
    await expect(r.waitFor('counter', String(Number(p) + 1), 15)).rejects.toMatchObject({
      code: 'READ_MODEL_BEHIND',
      details: { projection: 'counter', wanted: String(Number(p) + 1), at: p },
    });
    await expect(r.waitFor('nope', p, 10)).rejects.toBeInstanceOf(UnknownProjectionError);
    expect(() => r.activeCollection('nope')).toThrow(UnknownProjectionError);
  });

  it('rebuild reports progress, builds a fresh collection and switches to it', async () => {
    const positions = await appendEach(events, increments(30));
    const first = runner({ eventStore: events, readStore: reads, batchSize: 10 });
    await first.start();
    await first.waitFor('counter', positions[29], 5000);
    await first.stop();
    const before = reads.digest();

    const progress: RebuildProgress[] = [];
    const offline = runner({ eventStore: events, readStore: reads, batchSize: 10, clock: new TickingClock() });
    const result = await offline.rebuild('counter', { onProgress: (p) => progress.push(p) });

    expect(result).toEqual({ projection: 'counter', version: 1, collection: 'counter_v1_r', position: positions[29], events: 30 });
    expect(progress.map((p) => p.done)).toEqual([10, 20, 30, 30]);
    expect(progress.every((p) => p.total === 30)).toBe(true);
    expect(progress[0].eventsPerSecond).toBeGreaterThan(0);
    expect(progress[0].etaSeconds).toBeGreaterThan(0);
    expect(progress[progress.length - 1].etaSeconds).toBe(0);
    expect(offline.activeCollection('counter')).toBe('counter_v1_r');
    expect(await reads.listCollections()).toEqual(['counter_v1_r']);
    expect((await doc(reads, 'counter_v1_r', 'tenant-a', 'c0'))?.count).toBe(5);
    expect(reads.digest()).not.toBe(before);

    // The next rebuild goes back to the plain name, with the very documents the first build made;
    // a second call made meanwhile joins it instead of starting another.
    const [again, joined] = await Promise.all([offline.rebuild('counter'), offline.rebuild('counter')]);
    expect(again.collection).toBe('counter_v1');
    expect(joined).toEqual(again);
    expect(reads.digest()).toBe(before);
  });

  it('rebuild while running keeps serving, then goes on live in the new collection', async () => {
    const positions = await appendEach(events, increments(12));
    const r = runner({ eventStore: events, readStore: reads });
    await r.start();
    await r.waitFor('counter', positions[11], 5000);

    const result = await r.rebuild('counter');
    expect(result.collection).toBe('counter_v1_r');
    expect(r.activeCollection('counter')).toBe('counter_v1_r');
    const [next] = await appendEach(events, [counterEvent('CounterIncremented', { counterId: 'c0', by: 1 })]);
    await r.waitFor('counter', next, 5000);
    expect((await doc(reads, 'counter_v1_r', 'tenant-a', 'c0'))?.count).toBe(3);
    expect(await reads.listCollections()).toEqual(['counter_v1_r']);
  });

  it('retries an infrastructure error while running, and reports it at once offline', async () => {
    const positions = await appendEach(events, increments(6));
    const warnings: string[] = [];
    const r = runner({
      eventStore: events,
      readStore: flaky(reads, 2),
      retryDelayMs: 1,
      log: (level, message) => (level === 'warn' ? warnings.push(message) : undefined),
    });
    await r.start();
    await r.waitFor('counter', positions[5], 5000);
    expect(warnings).toEqual(['projection lane error; retrying', 'projection lane error; retrying']);
    expect((await doc(reads, 'counter_v1', 'tenant-a', 'c0'))?.applied).toEqual([positions[0]]);
    await r.stop();

    const offline = runner({ eventStore: events, readStore: flaky(reads, 1), retryDelayMs: 1 });
    await expect(offline.rebuild('counter')).rejects.toMatchObject({ code: 'PROJECTION_FAILED', message: expect.stringContaining('disk unavailable') });
    expect((await offline.health())[0]).toMatchObject({ state: 'failed', error: { message: 'disk unavailable' } });
  });

  it('health reports lag in events and in time before the runner catches up', async () => {
    const clock = new ManualClock(Date.parse('2025-01-01T00:00:10.000Z'));
    await appendEach(events, [counterEvent('CounterIncremented', { counterId: 'a', by: 1 }, 'tenant-a', '2025-01-01T00:00:03.000Z')]);
    await appendEach(events, increments(2));
    const r = runner({ eventStore: events, readStore: reads, clock });
    expect(await r.health()).toEqual([{ name: 'counter', version: 1, state: 'starting', checkpoint: '0', lagEvents: 3, lagMs: 7000 }]);
  });
});

describe('ProjectionRunner on SQLite events', () => {
  let dir: string;
  let events: EventStore;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sb-runner-'));
    events = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite3'), synchronous: 'NORMAL' });
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up, follows live and resumes from a restored snapshot without duplicates', async () => {
    const snapshotFile = path.join(dir, 'readstore.snapshot');
    const reads = await MemoryReadStore.open({ snapshotFile });
    const first = await appendEach(events, increments(25));
    const r1 = runner({ eventStore: events, readStore: reads, batchSize: 10 });
    await r1.start();
    await r1.waitFor('counter', first[24], 5000);
    const [live] = await appendEach(events, [counterEvent('CounterIncremented', { counterId: 'c0', by: 1 })]);
    await r1.waitFor('counter', live, 5000);
    await r1.stop();
    await reads.flush();

    const more = await appendEach(events, increments(5));
    const restored = await MemoryReadStore.open({ snapshotFile });
    const r2 = runner({ eventStore: events, readStore: restored, batchSize: 10 });
    await r2.start();
    await r2.waitFor('counter', more[4], 5000);
    const docs = [
      ...(await restored.forTenant('tenant-a').collection<CounterDoc>('counter_v1').find()),
      ...(await restored.forTenant('tenant-b').collection<CounterDoc>('counter_v1').find()),
    ];
    expect(docs.flatMap((d) => d.applied).sort((a, b) => Number(a) - Number(b))).toEqual([...first, live, ...more]);
  });
});
