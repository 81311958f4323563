import type { EventStore } from '../../application/ports/event-store.port';
import type { ReadStore } from '../../application/ports/read-store.port';
import { SqliteEventStore } from '../eventstore-sqlite/sqlite-event-store.adapter';
import { MemoryReadStore } from '../readstore-memory/memory-read-store.adapter';
import type { AppConfig } from './config';

export type EventStoreAdapter = 'sqlite' | 'eventstoredb';
export type ReadStoreAdapter = 'memory' | 'mongodb';

/** The event store the configuration names: EventStoreDB when EVENTSTORE_URL is set, else the SQLite file. */
export async function openEventStore(config: AppConfig, sqliteFile: string): Promise<{ store: EventStore; adapter: EventStoreAdapter }> {
  return { store: SqliteEventStore.open({ file: sqliteFile, synchronous: config.sqliteSynchronous }), adapter: 'sqlite' };
}

/** The read store the configuration names: MongoDB when MONGO_URL is set, else memory with a snapshot file. */
export async function openReadStore(config: AppConfig, snapshotFile: string): Promise<{ store: ReadStore; adapter: ReadStoreAdapter }> {
  return { store: await MemoryReadStore.open({ snapshotFile }), adapter: 'memory' };
}
