import { StreamRevisionConflictError } from '../../application/errors';
import type { EventMetadataInput } from '../../application/ports/event-store.port';
import { verifyEventStore } from '../eventstore-shared/hash-chain';
import { MemoryEventStore } from './memory-event-store.adapter';

const metadata: EventMetadataInput = {
  eventId: 'e-1',
  schemaVersion: 1,
  tenantId: 'tenant-1',
  actor: { kind: 'user', id: 'user-1' },
  correlationId: 'c-1',
  causationId: 'c-1',
  occurredAt: '2026-01-01T00:00:00.000Z',
};

describe('MemoryEventStore', () => {
  it('hands out copies: mutating what was appended or read does not change the store', async () => {
    const store = new MemoryEventStore();
    const data = { nested: { n: 1 } };
    await store.appendToStream('ticket-1', [{ type: 'TicketOpened', data, metadata }], 'no_stream');
    data.nested.n = 2;
    const [first] = await store.readStream('ticket-1');
    (first.data as { nested: { n: number } }).nested.n = 3;
    const [again] = await store.readStream('ticket-1');
    expect(again.data).toEqual({ nested: { n: 1 } });
  });

  it('drops what JSON drops, like the stores that serialize', async () => {
    const store = new MemoryEventStore();
    await store.appendToStream('ticket-1', [{ type: 'TicketOpened', data: { gone: undefined, when: new Date(0) }, metadata }], 'no_stream');
    const [event] = await store.readStream('ticket-1');
    expect(event.data).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    expect(Object.keys(event.data)).toEqual(['when']);
  });

  it('rejects a stale revision, delivers live events to a subscriber and verifies its chain', async () => {
    const store = new MemoryEventStore();
    await store.appendToStream('ticket-1', [{ type: 'A', data: {}, metadata }, { type: 'B', data: {}, metadata }], 'no_stream');
    await expect(store.appendToStream('ticket-1', [{ type: 'C', data: {}, metadata }], 0)).rejects.toBeInstanceOf(StreamRevisionConflictError);
    const subscription = store.subscribeToAll({ after: '1' });
    const iterator = subscription[Symbol.asyncIterator]();
    expect((await iterator.next()).value.position).toBe('2');
    const pending = iterator.next();
    await store.appendToStream('ticket-1', [{ type: 'C', data: {}, metadata }], 1);
    expect((await pending).value).toMatchObject({ position: '3', revision: 2, type: 'C' });
    const ended = iterator.next();
    await subscription.unsubscribe();
    expect(await ended).toEqual({ done: true, value: undefined });
    expect(await verifyEventStore(store)).toEqual({ ok: true, streams: 1, events: 3 });
  });
});
