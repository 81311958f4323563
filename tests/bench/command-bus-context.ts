import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { SystemClock } from '../../adapters/system/system-clock.adapter';
import { ACCOUNT_COMMAND_HANDLERS, RegisterAccountCommand } from '../../application/account/account.commands';
import { CommandRunner } from '../../application/command-runner';
import type { CommandResult } from '../../application/handle-command';
import { CLOCK, ID_GENERATOR } from '../../application/ports/clock.port';
import { EVENT_STORE, type EventStore } from '../../application/ports/event-store.port';

/** The CommandBus path of the server without HTTP: CQRS module, CommandRunner, account handlers. */
export interface CommandBusContext {
  readonly bus: CommandBus;
  close(): Promise<void>;
}

class BenchCommandModule {}

/** A Nest application context wired like the server for commands, on the given event store. */
export async function createCommandBusContext(store: EventStore): Promise<CommandBusContext> {
  const app: INestApplicationContext = await NestFactory.createApplicationContext(
    {
      module: BenchCommandModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        CommandRunner,
        ...ACCOUNT_COMMAND_HANDLERS,
        { provide: EVENT_STORE, useValue: store },
        { provide: CLOCK, useValue: new SystemClock() },
        { provide: ID_GENERATOR, useValue: { newId: () => randomUUID() } },
      ],
    },
    { logger: false, abortOnError: false },
  );
  await app.init();
  return { bus: app.get(CommandBus), close: () => app.close() };
}

/** Same-length ids keep every event the same size, so runs and baselines compare like for like. */
export const accountId = (prefix: string, n: number): string => `${prefix}-${String(n).padStart(8, '0')}`;

/**
 * Registers a new account (a new stream, so sequential and concurrent writers never conflict),
 * with the metadata an HTTP request would carry.
 */
export function registerAccount(bus: CommandBus, id: string): Promise<CommandResult> {
  return bus.execute<RegisterAccountCommand, CommandResult>(
    new RegisterAccountCommand(
      { kind: 'user', id: `user-${id}`, tenantId: id, role: 'owner' },
      { accountId: id, name: `Benchmark account ${id}`, kind: 'msp' },
      {
        correlationId: randomUUID(),
        source: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) switchboard-bench', channel: 'http' },
      },
    ),
  );
}
