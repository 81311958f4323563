import { MemoryEventStore } from '../adapters/eventstore-memory/memory-event-store.adapter';
import { accountDecider } from '../domain/account/account.decide';
import type { AccountCommand } from '../domain/account/account.commands';
import { DomainError } from '../domain/shared/domain-error';
import type { Principal } from '../domain/shared/event';
import { StreamRevisionConflictError } from './errors';
import { handleCommand, PreconditionFailedError } from './handle-command';
import type { EventStore } from './ports/event-store.port';

const owner: Principal = { kind: 'user', id: 'u1', tenantId: 'a1', role: 'owner' };
const now = '2026-11-21T10:00:00.000Z';
let n = 0;
const ids = { newId: () => `id-${++n}` };
const register: AccountCommand = { type: 'RegisterAccount', data: { accountId: 'a1', name: 'Acme', kind: 'msp' }, context: { now, principal: owner } };
const rename = (name: string): AccountCommand => ({ type: 'RenameAccount', data: { accountId: 'a1', name }, context: { now, principal: owner } });
const meta = { correlationId: 'c1', source: { ip: '203.0.113.7', channel: 'http' as const } };

describe('handleCommand', () => {
  let store: MemoryEventStore;
  beforeEach(() => {
    store = new MemoryEventStore();
  });

  it('creates the stream with no_stream and returns revision 0 and the position', async () => {
    const result = await handleCommand(store, 'account-a1', accountDecider, register, { ids, meta });
    expect(result.revision).toBe(0);
    expect(result.position).toBe(await store.headPosition());
    const [event] = await store.readStream('account-a1');
    expect(event.type).toBe('AccountRegistered');
    expect(event.metadata).toMatchObject({
      tenantId: 'a1',
      actor: { kind: 'user', id: 'u1' },
      correlationId: 'c1',
      causationId: 'c1',
      occurredAt: now,
      schemaVersion: 1,
      source: { ip: '203.0.113.7', channel: 'http' },
    });
  });

  it('appends at the revision it read', async () => {
    await handleCommand(store, 'account-a1', accountDecider, register, { ids, meta });
    const result = await handleCommand(store, 'account-a1', accountDecider, rename('Acme IT'), { ids, meta });
    expect(result.revision).toBe(1);
    expect((await store.readStream('account-a1')).map((e) => e.type)).toEqual(['AccountRegistered', 'AccountRenamed']);
  });

  it('writes nothing and keeps the revision when the decider decides nothing', async () => {
    const first = await handleCommand(store, 'account-a1', accountDecider, register, { ids, meta });
    const result = await handleCommand(store, 'account-a1', accountDecider, rename('Acme'), { ids, meta });
    expect(result).toEqual({ revision: 0, position: first.position, events: [] });
  });

  it('lets a domain error through and writes nothing', async () => {
    await expect(handleCommand(store, 'account-a1', accountDecider, rename('X'), { ids, meta })).rejects.toBeInstanceOf(DomainError);
    expect(await store.headPosition()).toBe('0');
  });

  it('refuses a stale If-Match with PreconditionFailedError without deciding', async () => {
    await handleCommand(store, 'account-a1', accountDecider, register, { ids, meta });
    await handleCommand(store, 'account-a1', accountDecider, rename('B'), { ids, meta });
    await expect(
      handleCommand(store, 'account-a1', accountDecider, rename('C'), { ids, meta: { ...meta, ifMatch: 0 } }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.readStream('account-a1')).toHaveLength(2);
  });

  it('retries a conflict a bounded number of times, then gives up', async () => {
    await handleCommand(store, 'account-a1', accountDecider, register, { ids, meta });
    let conflicts = 0;
    // A store where somebody else always appends between our read and our append.
    const racing: EventStore = Object.create(store);
    racing.appendToStream = async (stream, events, expected) => {
      conflicts++;
      const theirs = { ...events[0], data: { ...events[0].data, name: `other-${conflicts}` } };
      await store.appendToStream(stream, [{ ...theirs, metadata: { ...theirs.metadata, eventId: ids.newId() } }], expected);
      return store.appendToStream(stream, events, expected);
    };
    await expect(
      handleCommand(racing, 'account-a1', accountDecider, rename('Mine'), { ids, meta, maxRetries: 2 }),
    ).rejects.toBeInstanceOf(StreamRevisionConflictError);
    expect(conflicts).toBe(3);
  });

  it('succeeds on retry when the race is over', async () => {
    await handleCommand(store, 'account-a1', accountDecider, register, { ids, meta });
    let raced = false;
    const racing: EventStore = Object.create(store);
    racing.appendToStream = async (stream, events, expected) => {
      if (!raced) {
        raced = true;
        await store.appendToStream(stream, [{ ...events[0], data: { ...events[0].data, name: 'Other' }, metadata: { ...events[0].metadata, eventId: ids.newId() } }], expected);
      }
      return store.appendToStream(stream, events, expected);
    };
    const result = await handleCommand(racing, 'account-a1', accountDecider, rename('Mine'), { ids, meta });
    expect(result.revision).toBe(2);
    const names = (await store.readStream('account-a1')).slice(1).map((e) => e.data.name);
    expect(names).toEqual(['Other', 'Mine']);
  });
});
