import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { ApplicationError, DataFileError } from '../../application/errors';
import { SubjectErasedError, type KeyStore } from '../../application/ports/key-store.port';
import { SUBJECT_KEY_BYTES, assertSubject } from './memory-key-store.adapter';

/**
 * Subject keys in their own SQLite file (kept apart from the event log, so a copy of the events alone
 * reveals no personal data). A deleted key leaves a row with a NULL key: the tombstone that stops it
 * from being created again. `secure_delete` zeroes the freed bytes and a WAL checkpoint follows each
 * deletion, so the key does not linger in the files.
 */
export class SqliteKeyStore implements KeyStore {
  private constructor(
    private readonly db: Database.Database,
    private readonly statements: {
      insert: Database.Statement<[string, Buffer]>;
      select: Database.Statement<[string], { key: Buffer | null }>;
      erase: Database.Statement<[string]>;
    },
  ) {}

  /** Opens or creates the file; a file that is not a key store is refused untouched with DataFileError. */
  static open(file: string): SqliteKeyStore {
    mkdirSync(path.dirname(file), { recursive: true });
    const existed = existsSync(file);
    let db: Database.Database;
    try {
      db = new Database(file);
    } catch (error) {
      throw new DataFileError(file, `SQLite cannot open it (${(error as Error).message})`);
    }
    try {
      if (existed) {
        const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
        if (tables.length > 0 && !tables.includes('subject_keys')) {
          throw new DataFileError(file, `it is a SQLite database but not a Switchboard key store (tables: ${tables.join(', ')})`);
        }
      }
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('secure_delete = ON');
      db.exec('CREATE TABLE IF NOT EXISTS subject_keys (subject TEXT PRIMARY KEY, key BLOB) WITHOUT ROWID');
      return new SqliteKeyStore(db, {
        insert: db.prepare('INSERT INTO subject_keys (subject, key) VALUES (?, ?) ON CONFLICT (subject) DO NOTHING'),
        select: db.prepare('SELECT key FROM subject_keys WHERE subject = ?'),
        erase: db.prepare('INSERT INTO subject_keys (subject, key) VALUES (?, NULL) ON CONFLICT (subject) DO UPDATE SET key = NULL'),
      });
    } catch (error) {
      db.close();
      if (error instanceof DataFileError) throw error;
      throw new DataFileError(file, `SQLite cannot use it (${(error as Error).message})`);
    }
  }

  async getOrCreate(subject: string): Promise<Uint8Array> {
    assertSubject(subject);
    this.assertOpen();
    // Insert-if-absent then read, in one synchronous step: two callers get the same key.
    this.statements.insert.run(subject, randomBytes(SUBJECT_KEY_BYTES));
    const key = this.statements.select.get(subject)?.key ?? null;
    if (key === null) throw new SubjectErasedError(subject);
    return new Uint8Array(key);
  }

  async get(subject: string): Promise<Uint8Array | null> {
    assertSubject(subject);
    this.assertOpen();
    const key = this.statements.select.get(subject)?.key ?? null;
    return key === null ? null : new Uint8Array(key);
  }

  async delete(subject: string): Promise<void> {
    assertSubject(subject);
    this.assertOpen();
    this.statements.erase.run(subject);
    // The WAL still holds the page with the key until a checkpoint copies the new page over it.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async isErased(subject: string): Promise<boolean> {
    assertSubject(subject);
    this.assertOpen();
    const row = this.statements.select.get(subject);
    return row !== undefined && row.key === null;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private assertOpen(): void {
    if (!this.db.open) throw new ApplicationError('KEY_STORE_CLOSED', 'The key store is closed');
  }
}
