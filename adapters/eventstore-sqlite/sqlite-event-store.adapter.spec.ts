import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DataFileError, StreamRevisionConflictError } from '../../application/errors';
import type { EventMetadataInput, NewEvent } from '../../application/ports/event-store.port';
import { verifyEventStore } from '../eventstore-shared/hash-chain';
import { SqliteEventStore, sqliteHandleOf } from './sqlite-event-store.adapter';

const metadata: EventMetadataInput = {
  eventId: 'e-1',
  schemaVersion: 1,
  tenantId: 'tenant-1',
  actor: { kind: 'system', id: 'test' },
  correlationId: 'c-1',
  causationId: 'c-1',
  occurredAt: '2026-01-01T00:00:00.000Z',
};
const ev = (type: string, data: Record<string, unknown> = {}): NewEvent => ({ type, data, metadata });

describe('SqliteEventStore', () => {
  let dir: string;
  const stores: SqliteEventStore[] = [];
  const open = (name = 'events.db', options: { synchronous?: 'FULL' | 'NORMAL' } = {}) => {
    const store = SqliteEventStore.open({ file: join(dir, name), ...options });
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-sqlite-es-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('group commit', () => {
    it('writes 200 concurrent appends to 200 streams in far fewer transactions', async () => {
      const store = open();
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.appendToStream(`ticket-${i}`, [ev('TicketOpened', { i })], 'no_stream')),
      );
      expect(results.every((r) => r.revision === 0)).toBe(true);
      expect(new Set(results.map((r) => r.position)).size).toBe(200);
      const stats = store.stats();
      expect(stats.appends).toBe(200);
      expect(stats.events).toBe(200);
      expect(stats.transactions).toBeLessThanOrEqual(5);
      expect(stats.largestGroup).toBeGreaterThanOrEqual(40);
      expect(await store.headPosition()).toBe('200');
    });

    it('rejects only the conflicting append of a group; the others land', async () => {
      const store = open();
      await store.appendToStream('ticket-a', [ev('TicketOpened')], 'no_stream');
      const before = store.stats().transactions;
      const outcomes = await Promise.allSettled([
        store.appendToStream('ticket-b', [ev('TicketOpened')], 'no_stream'),
        store.appendToStream('ticket-a', [ev('TicketNoted', { stale: true })], 'no_stream'),
        store.appendToStream('ticket-a', [ev('TicketNoted', { fresh: true })], 0),
        store.appendToStream('ticket-c', [ev('TicketOpened'), ev('TicketNoted')], 'no_stream'),
      ]);
      expect(store.stats().transactions).toBe(before + 1);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(StreamRevisionConflictError);
      expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ expected: 'no_stream', actual: 0 });
      expect((await store.readStream('ticket-a')).map((e) => e.data)).toEqual([{}, { fresh: true }]);
      expect(await store.readStream('ticket-c')).toHaveLength(2);
      expect(await verifyEventStore(store)).toMatchObject({ ok: true, streams: 3, events: 5 });
    });

    it('applies appends to the same stream within a group in arrival order', async () => {
      const store = open();
      const results = await Promise.all([
        store.appendToStream('ticket-a', [ev('TicketOpened')], 'no_stream'),
        store.appendToStream('ticket-a', [ev('TicketNoted', { n: 1 })], 0),
        store.appendToStream('ticket-a', [ev('TicketNoted', { n: 2 }), ev('TicketNoted', { n: 3 })], 1),
      ]);
      expect(results.map((r) => r.revision)).toEqual([0, 1, 3]);
      expect(store.stats().transactions).toBe(1);
      const events = await store.readStream('ticket-a');
      expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      expect(events[1].metadata.prevHash).toBe(events[0].metadata.hash);
      expect(await verifyEventStore(store)).toMatchObject({ ok: true });
    });

    it('writes what is still queued when closed', async () => {
      const store = open();
      const pending = store.appendToStream('ticket-a', [ev('TicketOpened')], 'no_stream');
      await store.close();
      await expect(pending).resolves.toMatchObject({ revision: 0 });
      const reopened = open();
      expect(await reopened.readStream('ticket-a')).toHaveLength(1);
    });
  });

  describe('the data file', () => {
    it('keeps appended events across close and reopen, with WAL and the chosen synchronous level', async () => {
      const first = open();
      await first.appendToStream('ticket-a', [ev('TicketOpened', { kept: '✓' })], 'no_stream');
      expect(sqliteHandleOf(first).pragma('journal_mode', { simple: true })).toBe('wal');
      expect(sqliteHandleOf(first).pragma('synchronous', { simple: true })).toBe(2);
      await first.close();
      const second = open('events.db', { synchronous: 'NORMAL' });
      expect(sqliteHandleOf(second).pragma('synchronous', { simple: true })).toBe(1);
      expect((await second.readStream('ticket-a'))[0].data).toEqual({ kept: '✓' });
      await expect(second.appendToStream('ticket-a', [ev('TicketNoted')], 0)).resolves.toMatchObject({ revision: 1, position: '2' });
    });

    it('creates a missing data directory for a new file', async () => {
      const store = open(join('data', 'nested', 'events.db'));
      await store.appendToStream('ticket-a', [ev('TicketOpened')], 'no_stream');
      expect(readFileSync(join(dir, 'data', 'nested', 'events.db')).subarray(0, 15).toString()).toBe('SQLite format 3');
    });

    it('refuses a file of garbage bytes with DataFileError and leaves it byte for byte', () => {
      const file = join(dir, 'garbage.db');
      const bytes = randomBytes(8192);
      writeFileSync(file, bytes);
      const error = catchError(() => open('garbage.db'));
      expect(error).toBeInstanceOf(DataFileError);
      expect((error as Error).message).toMatch(/garbage\.db.*not a SQLite database.*left untouched/);
      expect(readFileSync(file).equals(bytes)).toBe(true);
    });

    it('refuses a file with a SQLite header but corrupt pages, unchanged', () => {
      const file = join(dir, 'corrupt.db');
      const bytes = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), randomBytes(4096)]);
      writeFileSync(file, bytes);
      expect(catchError(() => open('corrupt.db'))).toBeInstanceOf(DataFileError);
      expect(readFileSync(file).equals(bytes)).toBe(true);
    });

    it("refuses another application's SQLite database, unchanged", () => {
      const file = join(dir, 'other.db');
      const other = new Database(file);
      other.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (9.5)");
      other.close();
      const bytes = readFileSync(file);
      const error = catchError(() => open('other.db'));
      expect(error).toBeInstanceOf(DataFileError);
      expect((error as Error).message).toMatch(/not a Switchboard event store/);
      expect(readFileSync(file).equals(bytes)).toBe(true);
    });
  });

  describe('tamper evidence', () => {
    async function seed(store: SqliteEventStore) {
      await store.appendToStream('ticket-a', [ev('TicketOpened', { n: 0 }), ev('TicketNoted', { n: 1 })], 'no_stream');
      await store.appendToStream('ticket-b', [0, 1, 2, 3].map((n) => ev('TicketNoted', { n })), 'no_stream');
      expect(await verifyEventStore(store)).toEqual({ ok: true, streams: 2, events: 6 });
    }

    it('names the stream and revision of a row whose data was edited', async () => {
      const store = open();
      await seed(store);
      sqliteHandleOf(store).prepare("UPDATE events SET data = ? WHERE stream = 'ticket-b' AND revision = 2").run('{"n":42}');
      const progress: string[] = [];
      const result = await verifyEventStore(store, (p) => progress.push(p.stream));
      expect(result).toMatchObject({ ok: false, firstBroken: { stream: 'ticket-b', revision: 2, position: '5', reason: 'hash_mismatch' } });
      expect(progress).toEqual(['ticket-a']);
    });

    it('catches a deleted middle row', async () => {
      const store = open();
      await seed(store);
      sqliteHandleOf(store).prepare("DELETE FROM events WHERE stream = 'ticket-b' AND revision = 1").run();
      expect(await verifyEventStore(store)).toMatchObject({ ok: false, firstBroken: { stream: 'ticket-b', revision: 2, reason: 'revision_gap' } });
    });

    it('catches a row renumbered to hide a deletion, and unparseable data', async () => {
      const store = open();
      await seed(store);
      const db = sqliteHandleOf(store);
      db.prepare("DELETE FROM events WHERE stream = 'ticket-b' AND revision = 1").run();
      db.prepare("UPDATE events SET revision = revision - 1 WHERE stream = 'ticket-b' AND revision > 1").run();
      expect(await verifyEventStore(store)).toMatchObject({
        ok: false,
        firstBroken: { stream: 'ticket-b', revision: 1, reason: 'prev_hash_mismatch' },
      });
      db.prepare("UPDATE events SET data = 'not json' WHERE stream = 'ticket-a' AND revision = 1").run();
      expect(await verifyEventStore(store)).toMatchObject({ ok: false, firstBroken: { stream: 'ticket-a', revision: 1, reason: 'unreadable' } });
    });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
