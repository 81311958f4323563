import type { EventStore, NewEvent, RecordedEvent } from '../../application/ports/event-store.port';
import { USER_PERSONAL_DATA } from '../../domain/user/user.personal-data';
import { MemoryEventStore } from '../eventstore-memory/memory-event-store.adapter';
import { verifyEventStore } from '../eventstore-shared/hash-chain';
import { CryptoShreddingEventStore } from './crypto-shredding-event-store.adapter';
import { MemoryKeyStore } from './memory-key-store.adapter';
import { open, seal } from './personal-data-cipher';

const at = '2026-11-21T10:00:00.000Z';
let n = 0;
function event(type: string, data: Record<string, unknown>): NewEvent {
  n += 1;
  return {
    type,
    data,
    metadata: { eventId: `e${n}`, schemaVersion: 1, tenantId: 'a1', actor: { kind: 'user', id: 'u1' }, correlationId: 'c', causationId: 'c', occurredAt: at },
  };
}
const registered = (userId: string, email: string) =>
  event('UserRegistered', { userId, accountId: 'a1', email, role: 'owner', method: 'email', activated: false, registeredAt: at });
const profile = { firstName: 'Jeanne', lastName: 'Dupont', country: 'FR', language: 'fr', timeZone: 'Europe/Paris', timeFormat: '24h' };

describe('CryptoShreddingEventStore', () => {
  let inner: MemoryEventStore;
  let keys: MemoryKeyStore;
  let store: EventStore;

  beforeEach(async () => {
    inner = new MemoryEventStore();
    keys = new MemoryKeyStore();
    store = new CryptoShreddingEventStore(inner, keys, USER_PERSONAL_DATA);
    await store.appendToStream('user-u1', [
      registered('u1', 'jeanne@example.com'),
      event('UserPasswordSet', { userId: 'u1', passwordHash: '$argon2id$secret', mustChange: true, reason: 'generated', setAt: at }),
      event('UserActivated', { userId: 'u1', activatedAt: at }),
      event('UserProfileUpdated', { userId: 'u1', profile, updatedAt: at }),
    ], 'no_stream');
    await store.appendToStream('user-u2', [registered('u2', 'paul@example.com')], 'no_stream');
  });

  afterEach(() => store.close());

  const rawText = async (stream: string) => JSON.stringify(await inner.readStream(stream, { raw: true }));

  it('stores the personal fields encrypted and nothing of them in clear', async () => {
    const text = await rawText('user-u1');
    for (const secret of ['jeanne@example.com', '$argon2id$secret', 'Jeanne', 'Dupont', 'Europe/Paris']) expect(text).not.toContain(secret);
    const [stored] = await inner.readStream('user-u1');
    expect(stored.data.email).toMatchObject({ $pii: 'A256GCM', sub: 'user-u1' });
    expect(stored.data.accountId).toBe('a1');
  });

  it('reads them back in clear through readStream, readAll and the subscription', async () => {
    const [reg, pwd, act, prof] = await store.readStream('user-u1');
    expect(reg.data.email).toBe('jeanne@example.com');
    expect(pwd.data.passwordHash).toBe('$argon2id$secret');
    expect(act.data).toEqual({ userId: 'u1', activatedAt: at });
    expect(prof.data.profile).toEqual(profile);
    expect(reg.metadata.erased).toBeUndefined();

    const all = await store.readAll({ limit: 10 });
    expect(all.map((e) => e.data.email).filter(Boolean)).toEqual(['jeanne@example.com', 'paul@example.com']);

    const subscription = store.subscribeToAll();
    const seen: RecordedEvent[] = [];
    for await (const e of subscription) {
      seen.push(e);
      if (seen.length === 5) break;
    }
    await subscription.unsubscribe();
    expect(seen[4].data.email).toBe('paul@example.com');
  });

  it('reads an erased subject’s fields as null, marked erased, and leaves others alone', async () => {
    await keys.delete('user-u1');
    const [reg, pwd, act, prof] = await store.readStream('user-u1');
    expect(reg.data).toEqual({ userId: 'u1', accountId: 'a1', email: null, role: 'owner', method: 'email', activated: false, registeredAt: at });
    expect(reg.metadata.erased).toBe(true);
    expect(pwd.data.passwordHash).toBeNull();
    expect(prof.data.profile).toBeNull();
    expect(act.metadata.erased).toBeUndefined();
    const [other] = await store.readStream('user-u2');
    expect(other.data.email).toBe('paul@example.com');
    expect(other.metadata.erased).toBeUndefined();
  });

  it('keeps the hash chain verifiable after a shred, and raw reads are the stored bytes', async () => {
    const before = await verifyEventStore(store);
    const rawBefore = await rawText('user-u1');
    await keys.delete('user-u1');
    expect(before).toEqual({ ok: true, streams: 2, events: 5 });
    expect(await verifyEventStore(store)).toEqual(before);
    expect(JSON.stringify(await store.readStream('user-u1', { raw: true }))).toBe(rawBefore);
  });

  it('refuses to write personal data for an erased subject, and writes nothing', async () => {
    await keys.delete('user-u1');
    const update = event('UserProfileUpdated', { userId: 'u1', profile, updatedAt: at });
    await expect(store.appendToStream('user-u1', [update], 3)).rejects.toMatchObject({ code: 'SUBJECT_ERASED' });
    expect(await inner.readStream('user-u1')).toHaveLength(4);
    // Events without personal data still go in: the history of an erased user can be completed.
    await store.appendToStream('user-u1', [event('UserDeleted', { userId: 'u1', reason: 'self', deletedAt: at })], 3);
    expect(await inner.readStream('user-u1')).toHaveLength(5);
  });

  it('refuses an event whose subject id is missing', async () => {
    await expect(store.appendToStream('user-u3', [event('UserRegistered', { email: 'x@example.com' })], 'no_stream')).rejects.toMatchObject({
      code: 'PERSONAL_DATA_SUBJECT_MISSING',
    });
  });

  it('passes events it has no rule for through untouched', async () => {
    await store.appendToStream('account-a1', [event('AccountRegistered', { accountId: 'a1', name: 'Acme', kind: 'msp', registeredAt: at })], 'no_stream');
    const [stored] = await inner.readStream('account-a1');
    expect(stored.data.name).toBe('Acme');
  });
});

describe('personal data cipher', () => {
  const key = new Uint8Array(32).fill(7);

  it('round-trips any JSON value', () => {
    for (const value of ['text', 42, { a: [1, 'b'] }]) expect(open(seal(value, 'user-1', key), key)).toEqual(value);
  });

  it('refuses a wrong key, a value moved to another subject and a damaged ciphertext', () => {
    const sealed = seal('secret', 'user-1', key);
    expect(() => open(sealed, new Uint8Array(32).fill(8))).toThrow(expect.objectContaining({ code: 'PERSONAL_DATA_UNREADABLE' }));
    expect(() => open({ ...sealed, sub: 'user-2' }, key)).toThrow(expect.objectContaining({ code: 'PERSONAL_DATA_UNREADABLE' }));
    expect(() => open({ ...sealed, ct: sealed.ct.slice(2) }, key)).toThrow(expect.objectContaining({ code: 'PERSONAL_DATA_UNREADABLE' }));
  });
});
