import Database from 'better-sqlite3';
import { now } from './bench-harness';

/** An `events` row as the SQLite adapter stores it (position is assigned by SQLite). */
export interface EventRowCopy {
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** The adapter's rows after a position, in order: the rows the raw baseline writes again. */
export function rowsAfter(adapterDb: Database.Database, position: number): { rows: EventRowCopy[]; last: number } {
  const rows = adapterDb
    .prepare('SELECT position, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position')
    .all(position) as (EventRowCopy & { position: number })[];
  return { rows, last: rows.length > 0 ? rows[rows.length - 1].position : position };
}

/** The pragmas that decide what a commit costs, read from a connection. */
export function durabilityPragmas(db: Database.Database): { journalMode: string; synchronous: number } {
  return {
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
  };
}

/**
 * A second database file with the adapter's tables and indexes (copied from its schema) and the
 * adapter connection's journal mode and synchronous level: the raw baseline pays for the same
 * fsyncs and the same unique index, and nothing else.
 */
export function openRawTwin(file: string, adapterDb: Database.Database): Database.Database {
  const db = new Database(file);
  const { journalMode, synchronous } = durabilityPragmas(adapterDb);
  db.pragma(`journal_mode = ${journalMode}`);
  db.pragma(`synchronous = ${synchronous}`);
  const ddl = adapterDb
    .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END")
    .all() as { sql: string }[];
  for (const { sql } of ddl) db.exec(sql);
  const twin = durabilityPragmas(db);
  if (twin.journalMode !== journalMode || twin.synchronous !== synchronous) {
    throw new Error(`raw twin pragmas ${JSON.stringify(twin)} differ from the adapter's ${JSON.stringify({ journalMode, synchronous })}`);
  }
  return db;
}

/** Inserts each row in its own transaction (autocommit: one commit, one fsync, per row); returns the elapsed ms. */
export function insertOneByOne(db: Database.Database, rows: readonly EventRowCopy[]): number {
  const insert = db.prepare('INSERT INTO events (stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?)');
  const t0 = now();
  for (const row of rows) insert.run(row.stream, row.revision, row.type, row.data, row.metadata);
  return now() - t0;
}

/** Mean byte sizes of data and metadata JSON, to state what one "row" weighs. */
export function meanSizes(rows: readonly EventRowCopy[]): { dataBytes: number; metadataBytes: number } {
  if (rows.length === 0) return { dataBytes: 0, metadataBytes: 0 };
  let data = 0;
  let metadata = 0;
  for (const row of rows) {
    data += Buffer.byteLength(row.data);
    metadata += Buffer.byteLength(row.metadata);
  }
  return { dataBytes: Math.round(data / rows.length), metadataBytes: Math.round(metadata / rows.length) };
}
