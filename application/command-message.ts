import type { Principal } from '../domain/shared/event';
import type { CommandMeta } from './handle-command';

/**
 * A handler's message on the CommandBus: who, what, and how it reached us. Subclasses set `type`,
 * which names the command in metrics.
 */
export abstract class CommandMessage<D> {
  abstract readonly type: string;
  constructor(
    readonly principal: Principal,
    readonly data: D,
    readonly meta: CommandMeta,
  ) {}
}
