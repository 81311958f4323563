import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamRevisionConflictError } from '../../application/errors';
import type { EventMetadataInput, NewEvent, RecordedEvent } from '../../application/ports/event-store.port';
import { verifyEventStore } from '../eventstore-shared/hash-chain';
import { SqliteEventStore } from './sqlite-event-store.adapter';

const metadata: EventMetadataInput = {
  eventId: 'e-1',
  schemaVersion: 1,
  tenantId: 'tenant-1',
  actor: { kind: 'system', id: 'test' },
  correlationId: 'c-1',
  causationId: 'c-1',
  occurredAt: '2026-01-01T00:00:00.000Z',
};
const ev = (type: string): NewEvent => ({ type, data: {}, metadata });

/** Two connections to one file are what two server processes on one host are (SHARED_DATA_DIR). */
describe('SqliteEventStore shared by several connections', () => {
  let dir: string;
  const stores: SqliteEventStore[] = [];
  const open = (foreignCommitPollMs?: number) => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.db'), ...(foreignCommitPollMs ? { foreignCommitPollMs } : {}) });
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-sqlite-shared-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('wakes a live subscription when another connection commits', async () => {
    const writer = open();
    const reader = open(20);
    await writer.appendToStream('computer-1', [ev('First')], 'no_stream');
    const seen: RecordedEvent[] = [];
    const subscription = reader.subscribeToAll();
    const done = (async () => {
      for await (const event of subscription) {
        seen.push(event);
        if (seen.length === 3) break;
      }
    })();
    await writer.appendToStream('computer-1', [ev('Second')], 0);
    await writer.appendToStream('computer-2', [ev('Third')], 'no_stream');
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('no live event from the other connection')), 3000))]);
    await subscription.unsubscribe();
    expect(seen.map((e) => e.type)).toEqual(['First', 'Second', 'Third']);
  });

  it('lets exactly one of two connections append at a revision, and keeps the hash chain whole', async () => {
    const a = open(20);
    const b = open(20);
    await a.appendToStream('computer-1', [ev('Enrolled')], 'no_stream');
    const outcomes = await Promise.allSettled([a.appendToStream('computer-1', [ev('FromA')], 0), b.appendToStream('computer-1', [ev('FromB')], 0)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(StreamRevisionConflictError);
    expect((await b.readStream('computer-1')).map((e) => e.revision)).toEqual([0, 1]);
    expect((await verifyEventStore(a)).ok).toBe(true);
  });
});
