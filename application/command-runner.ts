import { Inject, Injectable } from '@nestjs/common';
import type { Command, Decider, Event, Principal } from '../domain/shared/event';
import { handleCommand, type CommandMeta, type CommandResult } from './handle-command';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from './ports/clock.port';
import { EVENT_STORE, type EventStore } from './ports/event-store.port';

/** Gives command handlers the clock, ids and store so that each handler stays a few lines. */
@Injectable()
export class CommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  run<C extends Command, E extends Event, S>(
    stream: string,
    decider: Decider<C, E, S>,
    command: { type: C['type']; data: C['data'] },
    principal: Principal,
    meta: CommandMeta,
  ): Promise<CommandResult<E>> {
    const full = { ...command, context: { now: this.clock.now(), principal } } as C;
    return handleCommand(this.store, stream, decider, full, { ids: this.ids, meta });
  }
}
