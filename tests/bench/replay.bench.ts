import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { type EncodedEvent, chainEvents } from '../../adapters/eventstore-shared/event-codec';
import { GENESIS_HASH } from '../../adapters/eventstore-shared/hash-chain';
import { SqliteEventStore } from '../../adapters/eventstore-sqlite/sqlite-event-store.adapter';
import { MemoryReadStore } from '../../adapters/readstore-memory/memory-read-store.adapter';
import { SystemClock } from '../../adapters/system/system-clock.adapter';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import type { AccountEvent } from '../../domain/account/account.events';
import { ACCOUNT_LIST, accountListProjection } from '../../read-models/account-list/account-list.projection';
import { type BenchOptions, type Benchmark, type OutputSpec, now, result, withTempDir, yieldToLoop } from './bench-harness';
import { accountId } from './command-bus-context';

/** Register, eight renames, close: every account's stream, so 1,000,000 events are 100,000 documents. */
export const EVENTS_PER_ACCOUNT = 10;
/** Accounts whose events are interleaved: a runner batch touches many documents, as under real load. */
const ACCOUNTS_PER_CHUNK = 1000;
const FULL_EVENTS = 1_000_000;
const QUICK_EVENTS = 100_000;
const SECONDS_PER_MILLION = 60;

function sizes(options: BenchOptions) {
  const events = options.quick ? QUICK_EVENTS : FULL_EVENTS;
  return { events, accounts: events / EVENTS_PER_ACCOUNT, eventsPerAccount: EVENTS_PER_ACCOUNT, rawPasses: 2 };
}

function specs(options: BenchOptions): [OutputSpec, OutputSpec] {
  const { events } = sizes(options);
  return [
    {
      name: 'replay',
      unit: 'events/s',
      goal: { on: 'ratio', op: '>=', target: 0.3 },
      measures:
        'value: events/s of ProjectionRunner.rebuild(account-list) from SQLite into the MemoryReadStore; ' +
        'baseline: events/s of a raw SELECT ... ORDER BY position + JSON.parse of data and metadata of the same rows',
    },
    {
      name: 'replay-seconds',
      unit: 's',
      // The goal is 60 s per million events; a quick run is judged on the same rate.
      goal: { on: 'value', op: '<=', target: (SECONDS_PER_MILLION * events) / 1_000_000, unit: 's' },
      measures: `value: seconds of the rebuild of ${events.toLocaleString('en-US')} events; baseline: seconds of the raw SELECT + JSON.parse`,
    },
  ];
}

/**
 * One account's stream as the commands would have written it, already in the codec's encoded
 * shape: these objects are plain JSON, so the codec's JSON round trip would change nothing and
 * is skipped (it was a quarter of the generation time).
 */
function accountStream(id: string, index: number): EncodedEvent[] {
  const time = (k: number) => new Date(Date.UTC(2026, 0, 1) + index * 1000 + k).toISOString();
  const events: AccountEvent[] = [{ type: 'AccountRegistered', data: { accountId: id, name: `Account ${id}`, kind: 'msp', registeredAt: time(0) } }];
  for (let k = 1; k < EVENTS_PER_ACCOUNT - 1; k++) {
    events.push({ type: 'AccountRenamed', data: { accountId: id, name: `Account ${id} (${k})`, renamedAt: time(k) } });
  }
  events.push({ type: 'AccountClosed', data: { accountId: id, closedAt: time(EVENTS_PER_ACCOUNT - 1) } });
  return events.map((event, k) => {
    const correlationId = randomUUID();
    const data = event.data as unknown as Record<string, unknown>;
    return {
      type: event.type,
      data,
      dataJson: JSON.stringify(data),
      metadata: {
        eventId: randomUUID(),
        schemaVersion: 1,
        tenantId: id,
        actor: { kind: 'user', id: `user-${id}` },
        correlationId,
        causationId: correlationId,
        occurredAt: time(k),
        source: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) switchboard-bench', channel: 'http' },
      },
    };
  });
}

/**
 * Fills the adapter's own file with `events` events, in its row format (hash-chained by the
 * adapter's codec), written with raw inserts in large transactions: appending a million events
 * one command at a time would take longer than the benchmark itself. Exported for the spec that
 * checks the adapter reads these rows and their hash chain verifies.
 */
export async function generate(file: string, events: number, log: (line: string) => void): Promise<number> {
  // The adapter creates its own schema; the rows below go into exactly those tables.
  await SqliteEventStore.open({ file, synchronous: 'FULL' }).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insertEvent = db.prepare('INSERT INTO events (stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?)');
  const insertStream = db.prepare('INSERT INTO streams (stream, revision, hash) VALUES (?, ?, ?)');
  const accounts = events / EVENTS_PER_ACCOUNT;
  const t0 = now();
  try {
    for (let first = 0; first < accounts; first += ACCOUNTS_PER_CHUNK) {
      const chunk: { stream: string; hash: string; rows: { type: string; data: string; metadata: string }[] }[] = [];
      for (let a = first; a < Math.min(accounts, first + ACCOUNTS_PER_CHUNK); a++) {
        const id = accountId('acct', a);
        const encoded = accountStream(id, a);
        const chained = chainEvents(GENESIS_HASH, encoded);
        chunk.push({
          stream: `account-${id}`,
          hash: chained[chained.length - 1].metadata.hash,
          rows: encoded.map((e, i) => ({ type: e.type, data: e.dataJson, metadata: chained[i].metadataJson })),
        });
      }
      db.transaction(() => {
        for (let revision = 0; revision < EVENTS_PER_ACCOUNT; revision++) {
          for (const { stream, rows } of chunk) insertEvent.run(stream, revision, rows[revision].type, rows[revision].data, rows[revision].metadata);
        }
        for (const { stream, hash } of chunk) insertStream.run(stream, EVENTS_PER_ACCOUNT - 1, hash);
      })();
      if ((first / ACCOUNTS_PER_CHUNK) % 20 === 19) {
        log(`  generated ${((first + ACCOUNTS_PER_CHUNK) * EVENTS_PER_ACCOUNT).toLocaleString('en-US')} events`);
        await yieldToLoop();
      }
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return now() - t0;
}

/** The floor: every row read in position order and its two JSON columns parsed, nothing else. */
function rawPass(file: string): { ms: number; rows: number } {
  const db = new Database(file, { readonly: true });
  try {
    const select = db.prepare('SELECT position, stream, revision, type, data, metadata FROM events ORDER BY position');
    let rows = 0;
    let keys = 0;
    const t0 = now();
    for (const row of select.iterate() as IterableIterator<{ data: string; metadata: string }>) {
      const data = JSON.parse(row.data) as object;
      const metadata = JSON.parse(row.metadata) as object;
      // Touching the parsed objects keeps the parse from being treated as dead code.
      if (data !== null && metadata !== null) keys += 1;
      rows += 1;
    }
    const ms = now() - t0;
    if (keys !== rows) throw new Error('raw pass parsed fewer rows than it read');
    return { ms, rows };
  } finally {
    db.close();
  }
}

async function run(options: BenchOptions) {
  const s = sizes(options);
  const [rateSpec, secondsSpec] = specs(options);
  return withTempDir('replay', async (dir, defer) => {
    const file = path.join(dir, 'events.sqlite3');
    const generateMs = await generate(file, s.events, options.log);
    options.log(`  generated ${s.events.toLocaleString('en-US')} events in ${(generateMs / 1000).toFixed(1)} s`);

    const before = rawPass(file);
    options.log(`  raw pass 1: ${(before.ms / 1000).toFixed(2)} s`);

    const store = SqliteEventStore.open({ file, synchronous: 'FULL' });
    defer(() => store.close());
    const readStore = new MemoryReadStore();
    defer(() => readStore.close());
    const runner = new ProjectionRunner({ eventStore: store, readStore, projections: [accountListProjection], clock: new SystemClock() });
    const t0 = now();
    const rebuilt = await runner.rebuild(ACCOUNT_LIST);
    const runnerMs = now() - t0;
    await checkRebuilt(readStore, rebuilt.collection, s.accounts);
    options.log(`  rebuild: ${(runnerMs / 1000).toFixed(2)} s for ${rebuilt.events.toLocaleString('en-US')} events`);

    const after = rawPass(file);
    options.log(`  raw pass 2: ${(after.ms / 1000).toFixed(2)} s`);
    if (before.rows !== s.events || after.rows !== s.events || rebuilt.events !== s.events) {
      throw new Error(`expected ${s.events} events, raw read ${before.rows}/${after.rows}, rebuild read ${rebuilt.events}`);
    }
    // The faster raw pass is the floor: a cold page cache must not flatter the runner.
    const rawMs = Math.min(before.ms, after.ms);
    const details = {
      ...s,
      generateSeconds: Math.round(generateMs / 100) / 10,
      rawPassSeconds: [before.ms, after.ms].map((ms) => (ms / 1000).toFixed(2)).join(','),
      secondsGoalPerMillion: SECONDS_PER_MILLION,
    };
    return [
      result(rateSpec, { value: (s.events * 1000) / runnerMs, baseline: (s.events * 1000) / rawMs, details }),
      result(secondsSpec, { value: runnerMs / 1000, baseline: rawMs / 1000, details }),
    ];
  });
}

/** The rebuild produced every document, closed: a replay that skipped work would not pass. */
async function checkRebuilt(readStore: MemoryReadStore, collection: string, accounts: number): Promise<void> {
  for (const a of [0, accounts - 1]) {
    const id = accountId('acct', a);
    const doc = await readStore.forTenant(id).collection(collection).get(id);
    if (!doc || doc.status !== 'closed' || doc.name !== `Account ${id} (${EVENTS_PER_ACCOUNT - 2})`) {
      throw new Error(`rebuilt document ${id} is ${JSON.stringify(doc)}`);
    }
  }
}

export const replay: Benchmark = { name: 'replay', outputs: (o) => specs(o), sizes, run };
