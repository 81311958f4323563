import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '../eventstore-sqlite/sqlite-event-store.adapter';
import { MemoryReadStore } from '../readstore-memory/memory-read-store.adapter';
import { appendEach, counterEvent, counterProjection, increments, type CounterDoc } from '../../tests/kit/counter-projection';
import { runCli, type CliDeps } from './cli';
import type { CliIo } from './cli-io';

interface Captured {
  readonly io: CliIo;
  readonly out: () => string;
  readonly err: () => string;
}

function capture(env: Record<string, string | undefined>, tty = false): Captured {
  let out = '';
  let err = '';
  const stderr = tty
    ? { isTTY: true, columns: 160, write: (text: string) => ((err += text), true), on: () => stderr, removeListener: () => stderr }
    : { write: (text: string) => ((err += text), true) };
  return {
    io: { stdout: { write: (text: string) => ((out += text), true) }, stderr, env, cwd: tmpdir() },
    out: () => out,
    err: () => err,
  };
}

const deps: CliDeps = { projections: [counterProjection()], batchSize: 5 };

describe('switchboard CLI', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let positions: string[];

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sb-cli-'));
    env = { DATA_DIR: dataDir };
    const store = SqliteEventStore.open({ file: path.join(dataDir, 'events.sqlite3'), synchronous: 'NORMAL' });
    positions = await appendEach(store, [...increments(12), counterEvent('CounterIncremented', { counterId: 'c0', by: 10 })]);
    await store.close();
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function snapshotDocs(): Promise<{ store: MemoryReadStore; docs: CounterDoc[] }> {
    const store = await MemoryReadStore.open({ snapshotFile: path.join(dataDir, 'readstore.snapshot') });
    const checkpoint = (await store.getMeta<{ collection: string }>('projection:counter'))!;
    const docs = [
      ...(await store.forTenant('tenant-a').collection<CounterDoc>(checkpoint.collection).find({}, { sort: { id: 1 } })),
      ...(await store.forTenant('tenant-b').collection<CounterDoc>(checkpoint.collection).find({}, { sort: { id: 1 } })),
    ];
    return { store, docs };
  }

  it('replay rebuilds a projection from SQLite, writes the snapshot and prints a summary', async () => {
    const run = capture(env);
    expect(await runCli(['replay', 'counter'], run.io, deps)).toBe(0);
    expect(run.out()).toMatch(/^Rebuilt counter v1 into counter_v1: 13 events in [0-9.]+ s \([0-9,]+ events\/s\), checkpoint 13\.\n/);
    expect(run.out()).toContain(`Snapshot written to ${path.join(dataDir, 'readstore.snapshot')}`);
    expect(run.err()).toBe('');

    const { store, docs } = await snapshotDocs();
    expect(await store.getMeta('projection:counter')).toEqual({ version: 1, collection: 'counter_v1', position: positions[12] });
    expect(docs).toHaveLength(6);
    expect(docs.find((d) => d.id === 'c0' && d.tenantId === 'tenant-a')?.count).toBe(12);
    expect(existsSync(path.join(dataDir, 'server.lock'))).toBe(false);

    // A second replay builds a fresh collection with the same documents and drops the old one.
    const again = capture(env);
    expect(await runCli(['replay', 'counter', '--data-dir', dataDir], again.io, { ...deps, batchSize: 1000 })).toBe(0);
    expect(again.out()).toContain('into counter_v1_r: 13 events');
    const second = await snapshotDocs();
    expect(second.docs).toEqual(docs);
    expect(await second.store.listCollections()).toEqual(['counter_v1_r']);
  });

  it('draws a progress bar with the rate and the ETA on a terminal', async () => {
    const run = capture(env, true);
    expect(await runCli(['replay', 'counter'], run.io, deps)).toBe(0);
    expect(run.err()).toMatch(/replay counter \|.*\| 100% \| 13\/13 events \| [0-9,]+ events\/s \| ETA 0s/);
  });

  it('replay --list lists the projections; the default registry has account-list', async () => {
    const run = capture(env);
    expect(await runCli(['replay', '--list'], run.io, deps)).toBe(0);
    expect(run.out()).toBe('PROJECTION  VERSION  EVENTS\ncounter     v1       CounterIncremented, CounterDeleted, CounterBroken\n');
    const all = capture(env);
    expect(await runCli(['replay', '--list'], all.io)).toBe(0);
    expect(all.out()).toMatch(/^account-list +v\d+ +AccountRegistered/m);
  });

  it('an unknown projection or a missing argument is a usage error (exit 2)', async () => {
    const unknown = capture(env);
    expect(await runCli(['replay', 'nope'], unknown.io, deps)).toBe(2);
    expect(unknown.err()).toContain('Unknown projection "nope"; known: counter');
    const missing = capture(env);
    expect(await runCli(['replay'], missing.io, deps)).toBe(2);
    expect(missing.err()).toContain('missing <projection>');
    const badCommand = capture(env);
    expect(await runCli(['frobnicate'], badCommand.io, deps)).toBe(2);
    expect(badCommand.err()).toContain("unknown command 'frobnicate'");
    const help = capture(env);
    expect(await runCli(['--help'], help.io, deps)).toBe(0);
    expect(help.out()).toContain('audit:verify');
  });

  it('refuses to replay while a live process holds the data directory, and replaces a stale lock', async () => {
    const lockFile = path.join(dataDir, 'server.lock');
    writeFileSync(lockFile, `${process.pid}\n`);
    const held = capture(env);
    expect(await runCli(['replay', 'counter'], held.io, deps)).toBe(1);
    expect(held.err()).toContain(`refused: Another Switchboard process (pid ${process.pid})`);
    expect(readFileSync(lockFile, 'utf8')).toBe(`${process.pid}\n`);
    expect(existsSync(path.join(dataDir, 'readstore.snapshot'))).toBe(false);

    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(lockFile, `${dead}\n`);
    const stale = capture(env);
    expect(await runCli(['replay', 'counter'], stale.io, deps)).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('replay without an event store says where it looked (exit 1)', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'sb-cli-empty-'));
    try {
      const run = capture({ DATA_DIR: empty });
      expect(await runCli(['replay', 'counter'], run.io, deps)).toBe(1);
      expect(run.err()).toContain(`no event store at ${path.join(empty, 'events.sqlite3')}`);
      expect(existsSync(path.join(empty, 'events.sqlite3'))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('audit:verify reports OK on an intact store and the first broken link after tampering (exit 1)', async () => {
    const ok = capture(env);
    expect(await runCli(['audit:verify'], ok.io, deps)).toBe(0);
    expect(ok.out()).toBe('OK: 13 streams, 13 events verified\n');

    const db = new Database(path.join(dataDir, 'events.sqlite3'));
    const row = db.prepare('SELECT stream, revision, position FROM events WHERE position = 5').get() as { stream: string; revision: number; position: number };
    db.prepare('UPDATE events SET data = ? WHERE position = 5').run(JSON.stringify({ counterId: 'c1', by: 1000 }));
    db.close();

    const broken = capture(env);
    expect(await runCli(['audit:verify'], broken.io, deps)).toBe(1);
    expect(broken.out()).toContain(`BROKEN: stream ${row.stream}, revision ${row.revision}, position ${row.position}: hash_mismatch`);
    expect(broken.out()).toMatch(/expected hash: [0-9a-f]{64}\n {2}found: +[0-9a-f]{64}\n/);
  });
});
