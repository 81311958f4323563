import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { KeyStore } from '../../application/ports/key-store.port';
import { SqliteKeyStore } from '../../adapters/crypto-shredding/sqlite-key-store.adapter';
import { keyStoreContract } from './key-store.contract';

keyStoreContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keystore-'));
  const file = path.join(dir, 'keys.sqlite3');
  let current: KeyStore = SqliteKeyStore.open(file);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = SqliteKeyStore.open(file);
      return current;
    },
    async cleanup() {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
