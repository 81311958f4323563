import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { MemoryEventStore } from '../../adapters/eventstore-memory/memory-event-store.adapter';
import { MemoryReadStore } from '../../adapters/readstore-memory/memory-read-store.adapter';
import { CommandRunner } from '../../application/command-runner';
import { COMPUTER_PROVIDERS } from '../../application/computer';
import type { CommandMeta } from '../../application/handle-command';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import { RegisterByEmailCommand, type RegisterByEmailResult } from '../../application/user/register-by-email.command';
import type { Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import type { RegisterUser } from '../../domain/user/user.commands';
import { userDecider } from '../../domain/user/user.decide';
import type { UserRole } from '../../domain/user/user.events';
import { MemoryKeyStore } from '../../adapters/crypto-shredding/memory-key-store.adapter';
import { accountListProjection } from '../../read-models/account-list/account-list.projection';
import { computerGroupsProjection } from '../../read-models/computer-groups/computer-groups.projection';
import { computerListProjection } from '../../read-models/computer-list/computer-list.projection';
import { userListProjection } from '../../read-models/user-list/user-list.projection';
import { ManualClock } from './counter-projection';
import { useCaseModule } from './use-case-module';

/**
 * The computer use cases on the embedded adapters, through the real CommandBus and QueryBus, with
 * the identity use cases they lean on (enrollment by password) and the user, computer and group
 * projections running.
 */
export async function computerHarness() {
  const clock = new ManualClock(Date.parse('2026-11-21T10:00:00.000Z'));
  const store = new MemoryEventStore();
  const readStore = new MemoryReadStore();
  const projections = new ProjectionRunner({
    eventStore: store,
    readStore,
    projections: [accountListProjection, userListProjection, computerListProjection, computerGroupsProjection],
    clock,
  });
  await projections.start();
  const module = await useCaseModule({ store, readStore, projections, clock, keys: new MemoryKeyStore(), providers: COMPUTER_PROVIDERS });
  const commands = module.get(CommandBus);
  const queries = module.get(QueryBus);
  const runner = module.get(CommandRunner);
  let n = 0;
  const meta = (): CommandMeta => {
    n += 1;
    return { correlationId: `c${n}`, source: { ip: '203.0.113.7', channel: 'http' } };
  };

  return {
    module,
    clock,
    store,
    readStore,
    projections,
    commands,
    queries,
    meta,
    /** A client space with its owner; `password` is the emailed one. */
    async registerOwner(email: string): Promise<{ accountId: string; password: string; principal: Principal }> {
      const result = await commands.execute<RegisterByEmailCommand, RegisterByEmailResult>(new RegisterByEmailCommand({ email }, meta()));
      return {
        accountId: result.accountId,
        password: result.mail?.password ?? '',
        principal: { kind: 'user', id: result.userId, tenantId: result.accountId, role: 'owner' },
      };
    },
    /** Another user of the account (signed up through a provider, so already active). */
    async addUser(owner: Principal, email: string, role: UserRole = 'technician'): Promise<Principal> {
      const userId = `u-${email.split('@')[0]}`;
      await runner.run<RegisterUser, never, never>(
        streamName('user', userId),
        userDecider as never,
        { type: 'RegisterUser', data: { userId, accountId: owner.tenantId, email, role, method: 'google', emailVerified: true } },
        owner,
        meta(),
      );
      return { kind: 'user', id: userId, tenantId: owner.tenantId, role };
    },
    async events(stream: string): Promise<RecordedEvent[]> {
      return store.readStream(stream);
    },
    async types(stream: string): Promise<string[]> {
      return (await store.readStream(stream)).map((e) => e.type);
    },
    async allEvents(): Promise<RecordedEvent[]> {
      return store.readAll({ limit: 100_000 });
    },
    /** Waits until the projections have applied everything written so far. */
    async settle(): Promise<void> {
      const head = await store.headPosition();
      for (const name of ['user-list', 'computer-list', 'computer-groups']) await projections.waitFor(name, head, 2000);
    },
    async close(): Promise<void> {
      await projections.stop();
      await module.close();
      await store.close();
    },
  };
}

export type ComputerHarness = Awaited<ReturnType<typeof computerHarness>>;
