import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CommandRunner } from '../../application/command-runner';
import type { CommandMeta } from '../../application/handle-command';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import { USER_PERSONAL_DATA } from '../../domain/user/user.personal-data';
import { accountListProjection } from '../../read-models/account-list/account-list.projection';
import { authSessionsProjection } from '../../read-models/auth-sessions/auth-sessions.projection';
import { userListProjection } from '../../read-models/user-list/user-list.projection';
import { CryptoShreddingEventStore } from '../../adapters/crypto-shredding/crypto-shredding-event-store.adapter';
import { MemoryKeyStore } from '../../adapters/crypto-shredding/memory-key-store.adapter';
import { MemoryEventStore } from '../../adapters/eventstore-memory/memory-event-store.adapter';
import { MemoryReadStore } from '../../adapters/readstore-memory/memory-read-store.adapter';
import { ManualClock } from './counter-projection';
import { useCaseModule } from './use-case-module';

/**
 * The identity use cases on the embedded adapters, through the real CommandBus and QueryBus: a memory
 * event store behind the crypto-shredding decorator, a memory key store, argon2 at a test cost, the
 * user and session projections running.
 */
export async function identityHarness() {
  const clock = new ManualClock(Date.parse('2026-11-21T10:00:00.000Z'));
  const raw = new MemoryEventStore();
  const keys = new MemoryKeyStore();
  const store = new CryptoShreddingEventStore(raw, keys, USER_PERSONAL_DATA);
  const readStore = new MemoryReadStore();
  const projections = new ProjectionRunner({
    eventStore: store,
    readStore,
    projections: [accountListProjection, userListProjection, authSessionsProjection],
    clock,
  });
  await projections.start();
  const module = await useCaseModule({ store, readStore, projections, clock, keys });
  const commands = module.get(CommandBus);
  const queries = module.get(QueryBus);
  let n = 0;

  return {
    module,
    runner: module.get(CommandRunner),
    clock,
    raw,
    store,
    keys,
    readStore,
    projections,
    commands,
    queries,
    meta(): CommandMeta {
      n += 1;
      return { correlationId: `c${n}`, source: { ip: '203.0.113.7', channel: 'http' } };
    },
    /** The events of a stream as the application reads them (decrypted). */
    async events(stream: string): Promise<RecordedEvent[]> {
      return store.readStream(stream);
    },
    async types(stream: string): Promise<string[]> {
      return (await store.readStream(stream)).map((e) => e.type);
    },
    /** Every event of every stream whose name starts with the prefix. */
    async eventsIn(prefix: string): Promise<RecordedEvent[]> {
      const all = await store.readAll({ limit: 100_000 });
      return all.filter((e) => e.stream.startsWith(prefix));
    },
    async close(): Promise<void> {
      await projections.stop();
      await module.close();
      await store.close();
    },
  };
}

export type IdentityHarness = Awaited<ReturnType<typeof identityHarness>>;
