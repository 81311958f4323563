import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AccountStreamCommand } from '../../domain/account/account.decide';
import { accountDecider } from '../../domain/account/account.decide';
import type { AccountKind, AccountState, AccountStreamEvent } from '../../domain/account/account.state';
import { computerGroupsDecider } from '../../domain/computer-groups/computer-groups.decide';
import type { ComputerGroupCommand } from '../../domain/computer-groups/computer-groups.commands';
import type { ComputerGroupEvent } from '../../domain/computer-groups/computer-groups.events';
import type { ComputerGroupsState } from '../../domain/computer-groups/computer-groups.state';
import type { ComputerCommand } from '../../domain/computer/computer.commands';
import { computerDecider } from '../../domain/computer/computer.decide';
import type { ComputerEvent } from '../../domain/computer/computer.events';
import type { ComputerState } from '../../domain/computer/computer.state';
import type { Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import { CommandRunner } from '../command-runner';
import type { CommandMeta, CommandResult } from '../handle-command';
import { ID_GENERATOR, type IdGenerator } from '../ports/clock.port';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port';
import { SECRET_GENERATOR, type SecretGenerator } from '../ports/secret-generator.port';

/**
 * Configured computers a plan includes by account kind, for accounts whose limit no operator set
 * (the domain's DEFAULT_COMPUTER_LIMITS otherwise). Optional provider.
 */
export const COMPUTER_PLAN_DEFAULTS = Symbol('ComputerPlanDefaults');
export type ComputerPlanDefaults = Readonly<Partial<Record<AccountKind, number>>>;

/** The server acting on its own (presence sweeper, plan enforcement) inside one tenant. */
export const systemPrincipal = (tenantId: string, id = 'computers'): Principal => ({ kind: 'system', id, tenantId });

/** A computer's agent, once its key was checked. */
export const agentPrincipal = (computerId: string, accountId: string): Principal => ({ kind: 'agent', id: computerId, tenantId: accountId });

/** The CommandBus message of every computer use case. */
export { CommandMessage as ComputerCommandMessage } from '../command-message';

/** Stream readers and writers every computer use case needs, so that each handler stays its own few steps. */
@Injectable()
export class ComputerCommandSupport {
  constructor(
    readonly runner: CommandRunner,
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(ID_GENERATOR) readonly ids: IdGenerator,
    @Inject(SECRET_GENERATOR) readonly secrets: SecretGenerator,
    @Optional() @Inject(COMPUTER_PLAN_DEFAULTS) readonly planDefaults: ComputerPlanDefaults | null = null,
  ) {}

  async loadComputer(computerId: string): Promise<ComputerState> {
    const events = await this.store.readStream(streamName('computer', computerId));
    return events.reduce((s, e) => computerDecider.evolve(s, e as unknown as ComputerEvent), computerDecider.initialState());
  }

  async loadGroups(accountId: string): Promise<ComputerGroupsState> {
    const events = await this.store.readStream(streamName('computergroups', accountId));
    return events.reduce((s, e) => computerGroupsDecider.evolve(s, e as unknown as ComputerGroupEvent), computerGroupsDecider.initialState());
  }

  async loadAccount(accountId: string): Promise<AccountState> {
    const events = await this.store.readStream(streamName('account', accountId));
    return events.reduce((s, e) => accountDecider.evolve(s, e as unknown as AccountStreamEvent), accountDecider.initialState());
  }

  runComputer<C extends ComputerCommand>(
    computerId: string,
    command: { type: C['type']; data: C['data'] },
    principal: Principal,
    meta: CommandMeta,
  ): Promise<CommandResult<ComputerEvent>> {
    return this.runner.run(streamName('computer', computerId), computerDecider, command as ComputerCommand, principal, meta);
  }

  runAccount<C extends AccountStreamCommand>(
    accountId: string,
    command: { type: C['type']; data: C['data'] },
    principal: Principal,
    meta: CommandMeta,
  ): Promise<CommandResult<AccountStreamEvent>> {
    return this.runner.run(streamName('account', accountId), accountDecider, command as AccountStreamCommand, principal, meta);
  }

  runGroups<C extends ComputerGroupCommand>(
    accountId: string,
    command: { type: C['type']; data: C['data'] },
    principal: Principal,
    meta: CommandMeta,
  ): Promise<CommandResult<ComputerGroupEvent>> {
    return this.runner.run(streamName('computergroups', accountId), computerGroupsDecider, command as ComputerGroupCommand, principal, meta);
  }

  /** SHA-256 hex of a secret: what is stored of agent keys and enrollment tokens. */
  digest(secret: string): string {
    return this.secrets.digest(secret);
  }
}
