import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../adapters/eventstore-sqlite/sqlite-event-store.adapter';
import { eventStoreContract } from './event-store.contract';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-es-contract-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

eventStoreContract('sqlite', async (options) => SqliteEventStore.open({ file: join(dir, `store-${(n += 1)}.db`), ...options }));
