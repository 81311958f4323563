import type { EventStore } from '../../application/ports/event-store.port';
import type { ReadStore } from '../../application/ports/read-store.port';
import type { AppConfig } from './config';

/** How soon a process sees another process's appends to a shared SQLite file. */
export const FOREIGN_COMMIT_POLL_MS = 50;

export type EventStoreAdapter = 'sqlite' | 'eventstoredb';
export type ReadStoreAdapter = 'memory' | 'mongodb';

// Adapters are loaded on demand so that the embedded shape never loads the gRPC or MongoDB drivers.

/** The event store the configuration names: EventStoreDB when EVENTSTORE_URL is set, else the SQLite file. */
export async function openEventStore(
  config: Pick<AppConfig, 'eventStoreUrl' | 'sqliteSynchronous' | 'sharedDataDir'>,
  sqliteFile: string,
): Promise<{ store: EventStore; adapter: EventStoreAdapter }> {
  if (config.eventStoreUrl) {
    const { EventStoreDbEventStore } = await import('../eventstoredb/eventstoredb-event-store.adapter');
    return { store: EventStoreDbEventStore.connect({ url: config.eventStoreUrl }), adapter: 'eventstoredb' };
  }
  const { SqliteEventStore } = await import('../eventstore-sqlite/sqlite-event-store.adapter');
  // Shared by other processes (SHARED_DATA_DIR): their commits must wake this one's subscriptions too.
  const shared = config.sharedDataDir !== undefined ? { foreignCommitPollMs: FOREIGN_COMMIT_POLL_MS } : {};
  return { store: SqliteEventStore.open({ file: sqliteFile, synchronous: config.sqliteSynchronous, ...shared }), adapter: 'sqlite' };
}

/** The read store the configuration names: MongoDB when MONGO_URL is set, else memory with a snapshot file. */
export async function openReadStore(config: AppConfig, snapshotFile: string): Promise<{ store: ReadStore; adapter: ReadStoreAdapter }> {
  if (config.mongo) {
    const { MongoReadStore } = await import('../mongodb/mongo-read-store.adapter');
    return { store: await MongoReadStore.connect(config.mongo.url, config.mongo.db), adapter: 'mongodb' };
  }
  const { MemoryReadStore } = await import('../readstore-memory/memory-read-store.adapter');
  return { store: await MemoryReadStore.open({ snapshotFile }), adapter: 'memory' };
}
