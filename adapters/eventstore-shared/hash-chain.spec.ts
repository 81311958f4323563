import { createHash } from 'node:crypto';
import { GENESIS_HASH, canonicalJson, computeEventHash, verifyEventStore } from './hash-chain';
import { MemoryEventStore } from '../eventstore-memory/memory-event-store.adapter';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text whatever the insertion order, unicode left as is', () => {
    const one = { 名前: 'テスト', emoji: '👩🏽‍💻', rtl: 'שלום' };
    const two = { rtl: 'שלום', emoji: '👩🏽‍💻', 名前: 'テスト' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(canonicalJson(one)).toBe('{"emoji":"👩🏽‍💻","rtl":"שלום","名前":"テスト"}');
  });

  it('drops undefined members like JSON does, and equals JSON.stringify for a sorted object', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: 'x' })).toBe('{"b":[null],"c":"x"}');
    const value = { a: 1.5, b: 'q"uote', c: [true, false], d: -0.25e-7 };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });
});

describe('computeEventHash', () => {
  it('is SHA-256 hex over the previous hash and the canonical JSON of type, data and metadata', () => {
    const content = { type: 'TicketOpened', data: { b: 2, a: 1 }, metadataWithoutHashes: { tenantId: 't' } };
    const expected = createHash('sha256')
      .update(GENESIS_HASH + '{"data":{"a":1,"b":2},"metadata":{"tenantId":"t"},"type":"TicketOpened"}')
      .digest('hex');
    expect(computeEventHash(GENESIS_HASH, content)).toBe(expected);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(computeEventHash('1'.repeat(64), content)).not.toBe(expected);
  });
});

describe('verifyEventStore', () => {
  it('reports progress per stream and counts streams and events', async () => {
    const store = new MemoryEventStore();
    const metadata = { eventId: 'e', schemaVersion: 1, tenantId: 't', actor: { kind: 'system' as const, id: 's' }, correlationId: 'c', causationId: 'c', occurredAt: 'now' };
    await store.appendToStream('ticket-1', [{ type: 'A', data: {}, metadata }], 'no_stream');
    await store.appendToStream('user-1', [{ type: 'B', data: {}, metadata }, { type: 'C', data: {}, metadata }], 'no_stream');
    const progress: unknown[] = [];
    expect(await verifyEventStore(store, (p) => progress.push(p))).toEqual({ ok: true, streams: 2, events: 3 });
    expect(progress).toEqual([
      { stream: 'ticket-1', streams: 1, events: 1 },
      { stream: 'user-1', streams: 2, events: 3 },
    ]);
  });
});
