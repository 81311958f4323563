import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ApplicationError, DataFileError, StreamRevisionConflictError } from '../../application/errors';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
} from '../../application/ports/event-store.port';
import { START, type Position } from '../../application/ports/position';
import { CatchUpSubscription, CommitNotifier } from '../eventstore-shared/catch-up-subscription';
import {
  DEFAULT_MAX_EVENT_BYTES,
  assertExpectedRevision,
  assertReadAllOptions,
  assertReadStreamOptions,
  assertStreamName,
  chainEvents,
  encodeNewEvents,
  sequenceOf,
  type EncodedEvent,
} from '../eventstore-shared/event-codec';
import { GENESIS_HASH } from '../eventstore-shared/hash-chain';
import { StoredEventUnreadableError } from '../eventstore-shared/stored-event-unreadable.error';
import { UpcasterRegistry, type Upcaster } from '../eventstore-shared/upcasting';

export interface SqliteEventStoreOptions {
  /** Path of the database file (created when missing), or ':memory:'. */
  readonly file: string;
  /** FULL (default): an acknowledged append survives a power loss. NORMAL: faster, may lose the last commits. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** Limit on one serialized event; 1 MiB by default. */
  readonly maxEventBytes?: number;
  readonly upcasters?: readonly Upcaster[] | UpcasterRegistry;
  /** Most appends written in one transaction; 1000 by default. */
  readonly maxGroupSize?: number;
  /**
   * Other processes append to the same file (several server nodes on one host): every this many ms,
   * subscriptions wake up if another connection committed (`PRAGMA data_version`). Unset: only this
   * process writes, and its own commits wake them.
   */
  readonly foreignCommitPollMs?: number;
}

export interface SqliteEventStoreStats {
  /** appendToStream calls that reached the writer (validated ones). */
  readonly appends: number;
  /** Write transactions committed (one fsync each with synchronous=FULL). */
  readonly transactions: number;
  readonly events: number;
  readonly conflicts: number;
  readonly largestGroup: number;
}

interface PendingAppend {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly EncodedEvent[];
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };
type Heads = Map<string, { revision: number; hash: string } | undefined>;

interface EventRow {
  position: number;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const EVENT_COLUMNS = ['position', 'stream', 'revision', 'type', 'data', 'metadata'];

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    UNIQUE (stream, revision)
  );
  CREATE TABLE IF NOT EXISTS streams (
    stream TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    hash TEXT NOT NULL
  ) WITHOUT ROWID;
`;

const handles = new WeakMap<SqliteEventStore, Database.Database>();

/**
 * The embedded event store: one SQLite file in WAL mode. Appends that arrive together are
 * written in one transaction (group commit), so durability costs one fsync per group, not per
 * append, while each append keeps its own expected-revision check.
 */
export class SqliteEventStore implements EventStore {
  private readonly notifier = new CommitNotifier();
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly upcasters: UpcasterRegistry;
  private readonly maxEventBytes: number;
  private readonly maxGroupSize: number;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private counters = { appends: 0, transactions: 0, events: 0, conflicts: 0, largestGroup: 0 };
  private foreignCommitTimer: ReturnType<typeof setInterval> | null = null;

  private readonly statements: {
    streamHead: Database.Statement<[string], { revision: number; hash: string }>;
    insertEvent: Database.Statement<[string, number, string, string, string]>;
    upsertStream: Database.Statement<[string, number, string]>;
    readStream: Database.Statement<[string, number, number], EventRow>;
    readAll: Database.Statement<[number, number], EventRow>;
    head: Database.Statement<[], { position: number | null }>;
    streamsAfter: Database.Statement<[string, number], { stream: string }>;
  };
  /** Made once: better-sqlite3 builds four wrappers per db.transaction() call. */
  private readonly writeGroup: Database.Transaction<(group: readonly PendingAppend[], outcomes: Outcome[]) => void>;
  private readonly writeInSavepoint: Database.Transaction<(append: PendingAppend, head: { revision: number; hash: string } | undefined, heads: Heads) => AppendResult>;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    this.upcasters = UpcasterRegistry.from(options.upcasters);
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.maxGroupSize = options.maxGroupSize ?? 1000;
    this.statements = {
      streamHead: db.prepare('SELECT revision, hash FROM streams WHERE stream = ?'),
      insertEvent: db.prepare('INSERT INTO events (stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?)'),
      upsertStream: db.prepare(
        'INSERT INTO streams (stream, revision, hash) VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, hash = excluded.hash',
      ),
      readStream: db.prepare(
        'SELECT position, stream, revision, type, data, metadata FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      readAll: db.prepare('SELECT position, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      head: db.prepare('SELECT MAX(position) AS position FROM events'),
      streamsAfter: db.prepare('SELECT DISTINCT stream FROM events WHERE stream > ? ORDER BY stream LIMIT ?'),
    };
    this.writeGroup = db.transaction((group: readonly PendingAppend[], outcomes: Outcome[]) => {
      const heads: Heads = new Map();
      for (let i = 0; i < group.length; i++) outcomes.push(this.applyOne(group[i], heads, group.length > 1));
    });
    this.writeInSavepoint = db.transaction((append: PendingAppend, head: { revision: number; hash: string } | undefined, heads: Heads) =>
      this.writeAppend(append, head, heads),
    );
    handles.set(this, db);
    if (options.foreignCommitPollMs !== undefined) this.watchForeignCommits(options.foreignCommitPollMs);
  }

  /** data_version changes when another connection commits: then subscribers read what it wrote. */
  private watchForeignCommits(intervalMs: number): void {
    const version = this.db.prepare('PRAGMA data_version').pluck() as Database.Statement<[], number>;
    let last = version.get();
    this.foreignCommitTimer = setInterval(() => {
      if (this.closed) return;
      const now = version.get();
      if (now !== last) {
        last = now;
        this.notifier.notify();
      }
    }, intervalMs);
    this.foreignCommitTimer.unref?.();
  }

  /**
   * Opens (or creates) the store. A file that is not a SQLite database, or not this store's
   * database, is refused with DataFileError before anything is written to it.
   */
  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    const { file } = options;
    if (file !== ':memory:') {
      checkHeader(file);
      // A fresh install has no data directory yet; creating it touches no existing file.
      if (!existsSync(file)) mkdirSync(dirname(file), { recursive: true });
    }
    let db: Database.Database;
    try {
      db = new Database(file);
    } catch (error) {
      throw new DataFileError(file, `SQLite cannot open it (${(error as Error).message})`);
    }
    try {
      checkSchema(db, file);
      // A damaged page would otherwise surface as SQLITE_CORRUPT in the middle of serving (or of a
      // projection); refuse at boot, before anything is written. quick_check reads every page once.
      let verdict: string[];
      try {
        verdict = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((row) => row.quick_check);
      } catch (error) {
        verdict = [(error as Error).message];
      }
      if (verdict.length !== 1 || verdict[0] !== 'ok') {
        throw new DataFileError(file, `it is damaged (quick_check: ${verdict.join('; ').replace(/\s+/g, ' ')})`);
      }
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      db.exec(SCHEMA);
      return new SqliteEventStore(db, options);
    } catch (error) {
      db.close();
      if (error instanceof DataFileError) throw error;
      throw new DataFileError(file, `SQLite cannot use it (${(error as Error).message})`);
    }
  }

  appendToStream(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    try {
      this.assertOpen();
      assertStreamName(stream);
      assertExpectedRevision(expectedRevision);
      const encoded = encodeNewEvents(events, this.maxEventBytes);
      return new Promise((resolve, reject) => {
        this.queue.push({ stream, expected: expectedRevision, events: encoded, resolve, reject });
        this.scheduleFlush();
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertStreamName(stream);
    assertReadStreamOptions(options);
    const rows = this.statements.readStream.all(stream, options.fromRevision ?? 0, options.maxCount ?? -1);
    return rows.map((row) => this.decode(row, options.raw === true));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertReadAllOptions(options);
    if (options.limit === 0) return [];
    const rows = this.statements.readAll.all(sequenceOf(options.after ?? START), options.limit);
    return rows.map((row) => this.decode(row, false));
  }

  subscribeToAll(options: { after?: Position } = {}): Subscription {
    this.assertOpen();
    const after = options.after ?? START;
    sequenceOf(after);
    const subscription = new CatchUpSubscription(
      { notifier: this.notifier, readPage: (from, limit) => this.readAll({ after: from, limit }) },
      after,
      500,
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position> {
    this.assertOpen();
    return String(this.statements.head.get()?.position ?? 0);
  }

  async *listStreams(): AsyncIterable<string> {
    this.assertOpen();
    // Paged rather than iterated: better-sqlite3 blocks the connection while an iterator is open.
    let after = '';
    for (;;) {
      const page = this.statements.streamsAfter.all(after, 500);
      for (const { stream } of page) yield stream;
      if (page.length < 500) return;
      after = page[page.length - 1].stream;
    }
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.db.prepare('SELECT 1').get();
  }

  /** Writes what is queued, ends subscriptions, closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.queue.length > 0) this.flush();
    this.closed = true;
    if (this.foreignCommitTimer) clearInterval(this.foreignCommitTimer);
    await Promise.all([...this.subscriptions].map((s) => s.unsubscribe()));
    this.db.close();
  }

  /** Counters for tests and benchmarks (group commit makes transactions < appends under load). */
  stats(): SqliteEventStoreStats {
    return { ...this.counters };
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate runs after the pending promise callbacks and I/O of this turn: appends issued
    // together (Promise.all, several requests handled in one turn) land in the same group.
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.closed) return;
      this.flush();
      if (this.queue.length > 0) this.scheduleFlush();
    });
  }

  private flush(): void {
    const group = this.queue.splice(0, this.maxGroupSize);
    if (group.length === 0) return;
    const outcomes: Outcome[] = [];
    try {
      // IMMEDIATE: the write lock is taken before the stream heads are read, so that another process
      // appending to the same file cannot slip a commit between this read and this write.
      this.writeGroup.immediate(group, outcomes);
    } catch (error) {
      if (!(error instanceof LoneAppendFailed)) {
        // The whole group rolled back (disk full, I/O error): every caller learns it failed.
        for (const append of group) append.reject(error);
        return;
      }
      // A lone append failed without a savepoint of its own: its transaction rolled back, which is
      // what its savepoint would have done, and the outcome is the same.
      outcomes.push({ ok: false, error: error.failure });
    }
    this.counters.transactions += 1;
    this.counters.appends += group.length;
    this.counters.largestGroup = Math.max(this.counters.largestGroup, group.length);
    for (let i = 0; i < group.length; i++) {
      const append = group[i];
      const outcome = outcomes[i];
      if (outcome.ok) {
        this.counters.events += append.events.length;
        append.resolve(outcome.result);
      } else {
        this.counters.conflicts += 1;
        append.reject(outcome.error);
      }
    }
    this.notifier.notify();
  }

  /**
   * One append inside the group's transaction, in its own savepoint so that its failure is its own.
   * A group of one needs no savepoint: a failure rolls the whole transaction back instead.
   */
  private applyOne(append: PendingAppend, heads: Heads, inGroup: boolean): Outcome {
    const head = heads.has(append.stream) ? heads.get(append.stream) : this.statements.streamHead.get(append.stream);
    const actual = head ? head.revision : 'no_stream';
    if (actual !== append.expected) {
      return { ok: false, error: new StreamRevisionConflictError(append.stream, append.expected, actual) };
    }
    if (!inGroup) {
      try {
        return { ok: true, result: this.writeAppend(append, head, heads) };
      } catch (error) {
        throw new LoneAppendFailed(error);
      }
    }
    try {
      return { ok: true, result: this.writeInSavepoint(append, head, heads) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  private writeAppend(append: PendingAppend, head: { revision: number; hash: string } | undefined, heads: Heads): AppendResult {
    const chained = chainEvents(head ? head.hash : GENESIS_HASH, append.events);
    let revision = head ? head.revision : -1;
    let position = 0;
    for (let i = 0; i < append.events.length; i++) {
      revision += 1;
      const info = this.statements.insertEvent.run(append.stream, revision, append.events[i].type, append.events[i].dataJson, chained[i].metadataJson);
      position = Number(info.lastInsertRowid);
    }
    const hash = chained[chained.length - 1].metadata.hash;
    this.statements.upsertStream.run(append.stream, revision, hash);
    heads.set(append.stream, { revision, hash });
    return { revision, position: String(position) };
  }

  private decode(row: EventRow, raw: boolean): RecordedEvent {
    let data: Record<string, unknown>;
    let metadata: EventMetadata;
    try {
      data = JSON.parse(row.data) as Record<string, unknown>;
      metadata = JSON.parse(row.metadata) as EventMetadata;
    } catch (error) {
      throw new StoredEventUnreadableError(row.stream, row.revision, String(row.position), (error as Error).message);
    }
    const event: RecordedEvent = { stream: row.stream, revision: row.revision, position: String(row.position), type: row.type, data, metadata };
    return raw ? event : this.upcasters.upcast(event);
  }

  private assertOpen(): void {
    if (this.closed) throw new ApplicationError('EVENT_STORE_CLOSED', 'The event store is closed');
  }
}

/** Carries a lone append's failure out of its transaction, so that the transaction rolls back. */
class LoneAppendFailed extends Error {
  constructor(readonly failure: unknown) {
    super('append failed');
  }
}

/** The raw better-sqlite3 handle, for tests (tampering) and benchmarks. Not for application code. */
export function sqliteHandleOf(store: SqliteEventStore): Database.Database {
  const db = handles.get(store);
  if (!db) throw new Error('Not an open SqliteEventStore');
  return db;
}

/** Reads the first bytes without opening the file for writing: a foreign file is never touched. */
function checkHeader(file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new DataFileError(file, `cannot stat it (${(error as Error).message})`);
  }
  if (size === 0) return;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    readSync(fd, header, 0, header.length, 0);
  } catch (error) {
    throw new DataFileError(file, `cannot read it (${(error as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (size < 100 || !header.equals(SQLITE_HEADER)) {
    throw new DataFileError(file, 'it is not a SQLite database (wrong header)');
  }
}

/** A database that has tables but not ours (or ours in another shape) belongs to someone else. */
function checkSchema(db: Database.Database, file: string): void {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
  const userTables = tables.filter((name) => !name.startsWith('sqlite_'));
  if (userTables.length === 0) return;
  if (!tables.includes('events') || !tables.includes('streams')) {
    throw new DataFileError(file, `it is a SQLite database but not a Switchboard event store (tables: ${userTables.join(', ')})`);
  }
  const columns = (db.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map((c) => c.name);
  const missing = EVENT_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new DataFileError(file, `its events table lacks columns ${missing.join(', ')}`);
}
