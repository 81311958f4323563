import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteKeyStore } from './sqlite-key-store.adapter';

describe('SqliteKeyStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'keystore-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const filesContain = (file: string, needle: Buffer): boolean =>
    [file, `${file}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(needle));

  it('leaves no copy of a deleted key in its files', async () => {
    const file = path.join(dir, 'keys.sqlite3');
    const store = SqliteKeyStore.open(file);
    const keys = await Promise.all(['user-1', 'user-2', 'user-3'].map((s) => store.getOrCreate(s)));
    const doomed = Buffer.from(keys[1]);
    expect(filesContain(file, doomed)).toBe(true);
    await store.delete('user-2');
    expect(filesContain(file, doomed)).toBe(false);
    expect(filesContain(file, Buffer.from(keys[0]))).toBe(true);
    await store.close();
    expect(filesContain(file, doomed)).toBe(false);
  });

  it('refuses a SQLite file that is not a key store, untouched', () => {
    const file = path.join(dir, 'other.sqlite3');
    const db = new Database(file);
    db.exec('CREATE TABLE events (id INTEGER)');
    db.close();
    const before = readFileSync(file);
    expect(() => SqliteKeyStore.open(file)).toThrow(/not a Switchboard key store/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not SQLite at all', () => {
    const file = path.join(dir, 'junk.sqlite3');
    writeFileSync(file, 'not a database, just text that is long enough to have a header'.repeat(10));
    expect(() => SqliteKeyStore.open(file)).toThrow(expect.objectContaining({ code: 'DATA_FILE_UNREADABLE' }));
  });
});
