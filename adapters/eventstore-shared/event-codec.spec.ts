import { GENESIS_HASH, verifyEventStore } from './hash-chain';
import { chainEvents, encodeNewEvents } from './event-codec';
import { SqliteEventStore, sqliteHandleOf } from '../eventstore-sqlite/sqlite-event-store.adapter';

// Hashes and stored metadata computed by the implementation before the append path was optimized:
// stored chains must keep verifying, so these bytes may never change.
const FIRST_HASH = '66bb6852626f41b0ed360f6ceb13150118453b56bed2fa6f9f4b4c111593b0cc';
const SECOND_HASH = '4b8ad87a4e8c25d5cc7efda17691178bc857f0f0b92534a8161e8cd2f2fccac9';

const fixedEvents = () => [
  {
    type: 'AccountRegistered',
    data: { accountId: 'acme', name: 'Acme Ünïcode 👩🏽‍💻', kind: 'msp', '10': 1, tags: ['b', 'a'], nested: { z: null, a: 1.5 } },
    metadata: {
      eventId: '0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f',
      schemaVersion: 1,
      tenantId: 'acme',
      actor: { kind: 'user' as const, id: 'user-1' },
      correlationId: 'corr-1',
      causationId: 'corr-1',
      occurredAt: '2026-01-01T00:00:00.000Z',
      source: { ip: '203.0.113.7', userAgent: 'jest', channel: 'http' as const },
      // Caller-supplied chain fields are ignored.
      prevHash: 'caller',
      hash: 'caller',
    },
  },
  { type: 'AccountRenamed', data: { name: 'Acme 2' }, metadata: { schemaVersion: 2, tenantId: 'acme', eventId: 'e2' } },
];

describe('chainEvents', () => {
  it('gives pinned hashes and stored metadata JSON for a fixed batch', () => {
    const chained = chainEvents(GENESIS_HASH, encodeNewEvents(fixedEvents() as never, 1024 * 1024));
    expect(chained.map((c) => c.metadata.hash)).toEqual([FIRST_HASH, SECOND_HASH]);
    expect(chained[0].metadataJson).toBe(
      '{"eventId":"0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f","schemaVersion":1,"tenantId":"acme","actor":{"kind":"user","id":"user-1"},' +
        '"correlationId":"corr-1","causationId":"corr-1","occurredAt":"2026-01-01T00:00:00.000Z",' +
        `"source":{"ip":"203.0.113.7","userAgent":"jest","channel":"http"},"prevHash":"${GENESIS_HASH}","hash":"${FIRST_HASH}"}`,
    );
    expect(chained[1].metadataJson).toBe(`{"schemaVersion":2,"tenantId":"acme","eventId":"e2","prevHash":"${FIRST_HASH}","hash":"${SECOND_HASH}"}`);
    expect(JSON.parse(chained[1].metadataJson)).toEqual(chained[1].metadata);
  });

  it('stores exactly JSON.stringify of the chained metadata, whatever shape the caller metadata has', () => {
    class WithToJson {
      schemaVersion = 1;
      toJSON() {
        return { prevHash: 'kept in place', schemaVersion: 1, b: 1 };
      }
    }
    const shapes: object[] = [
      { '10': 1, '9': 2, schemaVersion: 1, z: 'last' },
      Object.assign(Object.create(null) as object, { schemaVersion: 1, a: 1 }),
      new WithToJson(),
      JSON.parse('{"__proto__":{"a":1},"schemaVersion":3}') as object,
    ];
    for (const metadata of shapes) {
      const encoded = encodeNewEvents([{ type: 'T', data: { b: 1, a: [1, { d: 2, c: 3 }] }, metadata } as never], 1024 * 1024);
      const [chained] = chainEvents(GENESIS_HASH, encoded);
      expect(chained.metadataJson).toBe(JSON.stringify(chained.metadata));
    }
  });
});

describe('SqliteEventStore hash chain', () => {
  it('writes the pinned hashes and verifies, appended alone or in a group', async () => {
    const store = SqliteEventStore.open({ file: ':memory:' });
    try {
      const [first, second] = fixedEvents();
      await store.appendToStream('account-acme', [first, second] as never, 'no_stream');
      // Two appends in one turn share one transaction (each in its own savepoint).
      await Promise.all([
        store.appendToStream('account-one', [first] as never, 'no_stream'),
        store.appendToStream('account-two', [first] as never, 'no_stream'),
      ]);
      const stored = await store.readStream('account-acme', { raw: true });
      expect(stored.map((e) => e.metadata.hash)).toEqual([FIRST_HASH, SECOND_HASH]);
      const heads = sqliteHandleOf(store).prepare('SELECT stream, hash FROM streams ORDER BY stream').all();
      expect(heads).toEqual([
        { stream: 'account-acme', hash: SECOND_HASH },
        { stream: 'account-one', hash: FIRST_HASH },
        { stream: 'account-two', hash: FIRST_HASH },
      ]);
      expect(await verifyEventStore(store)).toEqual({ ok: true, streams: 3, events: 4 });
    } finally {
      await store.close();
    }
  });

  it('rolls back an append that fails while writing, alone or in a group, and keeps the others', async () => {
    const store = SqliteEventStore.open({ file: ':memory:' });
    try {
      const [first, second] = fixedEvents();
      await store.appendToStream('account-acme', [first] as never, 'no_stream');
      // A head that lags behind the events makes the next insert hit UNIQUE(stream, revision) after
      // the first event of the batch is written.
      const db = sqliteHandleOf(store);
      db.prepare("INSERT INTO events (stream, revision, type, data, metadata) VALUES ('account-acme', 2, 'X', '{}', '{}')").run();
      const before = store.stats();
      // SqliteError may come from another test file's realm (the native module keeps the first one's
      // class), so its message is checked rather than toThrow's instanceof Error.
      const reason = await store.appendToStream('account-acme', [second, second] as never, 0).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(String((reason as { message?: unknown } | undefined)?.message)).toMatch(/UNIQUE/);
      const afterLone = store.stats();
      expect(afterLone.transactions - before.transactions).toBe(1);
      expect(afterLone.conflicts - before.conflicts).toBe(1);
      expect(afterLone.events).toBe(before.events);
      const grouped = await Promise.allSettled([
        store.appendToStream('account-acme', [second, second] as never, 0),
        store.appendToStream('account-other', [first] as never, 'no_stream'),
      ]);
      expect(grouped.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
      expect(store.stats().transactions - afterLone.transactions).toBe(1);
      const revisions = db.prepare("SELECT revision FROM events WHERE stream = 'account-acme' ORDER BY revision").pluck().all();
      expect(revisions).toEqual([0, 2]);
      expect(db.prepare("SELECT revision FROM streams WHERE stream = 'account-acme'").pluck().get()).toBe(0);
      expect(await store.readStream('account-other')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
