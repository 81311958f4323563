import * as path from 'node:path';
import type { EventStore } from '../../application/ports/event-store.port';
import type { KeyStore } from '../../application/ports/key-store.port';
import { USER_PERSONAL_DATA } from '../../domain/user/user.personal-data';
import { CryptoShreddingEventStore } from '../crypto-shredding/crypto-shredding-event-store.adapter';
import { SqliteKeyStore } from '../crypto-shredding/sqlite-key-store.adapter';
import type { AppConfig } from './config';
import { openEventStore, type EventStoreAdapter } from './store-factory';

export const EVENTS_FILE = 'events.sqlite3';
/** Subject keys of crypto-shredding, apart from the events so that a copy of the log alone reveals no personal data. */
export const KEYS_FILE = 'keys.sqlite3';

/** What the event store stack needs of the configuration (tools build it without a whole AppConfig). */
export type EventStoreStackConfig = Pick<AppConfig, 'dataDir' | 'eventStoreUrl' | 'sqliteSynchronous' | 'sharedDataDir'>;

export interface EventStoreStack {
  /**
   * The event store as the server reads and writes it: personal fields sealed with their subject's key on
   * append, opened on read, null (with `metadata.erased`) once the key is deleted. Projections read this one.
   */
  readonly store: EventStore;
  /** The adapter underneath: events as stored, personal fields as ciphertext. The hash chain covers this shape. */
  readonly raw: EventStore;
  readonly keyStore: KeyStore;
  readonly adapter: EventStoreAdapter;
  /** Closes the event store and the key store (both are tried; the first failure is rethrown); idempotent. */
  close(): Promise<void>;
}

/**
 * The event store exactly as the server builds it (the configured adapter, SQLite or EventStoreDB, inside
 * the crypto-shredding decorator with DATA_DIR's key store), for the server, the CLI and tests alike: a
 * projection rebuilt anywhere else than through this would read sealed ciphertext where the server reads
 * personal data. Metrics instrumentation is the server's own and is added on top by it.
 */
export async function openEventStoreStack(config: EventStoreStackConfig): Promise<EventStoreStack> {
  // SHARED_DATA_DIR: the processes of one host share the log and the keys; each keeps its own DATA_DIR.
  const dir = config.sharedDataDir ?? config.dataDir;
  const raw = await openEventStore(config, path.join(dir, EVENTS_FILE));
  let keyStore: KeyStore;
  try {
    keyStore = SqliteKeyStore.open(path.join(dir, KEYS_FILE));
  } catch (error) {
    await raw.store.close().catch(() => undefined);
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    store: new CryptoShreddingEventStore(raw.store, keyStore, USER_PERSONAL_DATA),
    raw: raw.store,
    keyStore,
    adapter: raw.adapter,
    close() {
      closing ??= (async () => {
        const results = await Promise.allSettled([raw.store.close(), keyStore.close()]);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      })();
      return closing;
    },
  };
}
