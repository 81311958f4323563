import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EnforceComputerPlan } from '../../domain/computer/computer.commands';
import { effectivePlanStatus } from '../../domain/computer/computer.decide';
import type { ComputerFacts, PlanStatus } from '../../domain/computer/computer.events';
import type { Principal } from '../../domain/shared/event';
import { ApplicationError } from '../errors';
import type { CommandMeta } from '../handle-command';
import { CLOCK, type Clock } from '../ports/clock.port';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { ACCOUNT_LIST } from '../../read-models/account-list/account-list.projection';
import type { AccountView } from '../../read-models/account-list/account-list.view';
import { agentPrincipal, ComputerCommandSupport } from './computer-command-support';
import { parseAgentKey } from './computer-tokens';

/** The key is malformed, unknown, its computer was removed or its account closed: the agent must enroll again (close 4401, HTTP 401). */
export class AgentKeyRejectedError extends ApplicationError {
  constructor() {
    super('UNAUTHORIZED', 'This agent key is not valid; enroll the computer again');
  }
}

/** Who an agent is, once its key was checked. */
export interface AgentIdentity {
  readonly computerId: string;
  readonly accountId: string;
  readonly ownerUserId: string;
  readonly name: string;
  readonly facts: ComputerFacts;
  readonly online: boolean;
  /** `disabled`: refuse the link (close 4403) — the plan's grace period may have just ended. */
  readonly planStatus: PlanStatus;
  readonly limitedUntil: string | null;
  /** The principal its later commands (online, facts, set-name) run as. */
  readonly principal: Principal;
}

/** The agent's `hello`, or the bearer of `POST /api/agent/screenshot`. */
export class AuthenticateAgentCommand {
  readonly type = 'AuthenticateAgent';
  constructor(
    readonly agentKey: string,
    readonly meta: CommandMeta,
  ) {}
}

/**
 * Checks an agent key against the hash its computer's stream holds (the key names the computer).
 * A limited computer whose grace period ended is recorded as disabled here, so the first
 * connection after the deadline both refuses and leaves the fact in the audit.
 */
@CommandHandler(AuthenticateAgentCommand)
export class AuthenticateAgentHandler implements ICommandHandler<AuthenticateAgentCommand, AgentIdentity> {
  constructor(
    private readonly computers: ComputerCommandSupport,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly readModels: ReadModelAccess,
  ) {}

  async execute({ agentKey, meta }: AuthenticateAgentCommand): Promise<AgentIdentity> {
    const parsed = parseAgentKey(agentKey);
    if (!parsed) throw new AgentKeyRejectedError();
    const computer = await this.computers.loadComputer(parsed.computerId);
    if (computer.status !== 'active' || computer.agentKeyHash !== this.computers.digest(agentKey)) throw new AgentKeyRejectedError();
    if (await this.accountClosed(computer.accountId)) throw new AgentKeyRejectedError();
    const principal = agentPrincipal(computer.computerId, computer.accountId);
    let planStatus = computer.planStatus;
    if (effectivePlanStatus(computer, this.clock.now()) !== planStatus) {
      await this.computers.runComputer<EnforceComputerPlan>(computer.computerId, { type: 'EnforceComputerPlan', data: { computerId: computer.computerId } }, principal, meta);
      planStatus = 'disabled';
    }
    return {
      computerId: computer.computerId,
      accountId: computer.accountId,
      ownerUserId: computer.ownerUserId,
      name: computer.name,
      facts: computer.facts,
      online: computer.online,
      planStatus,
      limitedUntil: computer.limitedUntil,
      principal,
    };
  }

  /**
   * A deleted (closed) account takes its computers' keys with it. The account list answers in one
   * lookup; folding the account stream would grow with every computer it ever enrolled.
   */
  private async accountClosed(accountId: string): Promise<boolean> {
    const accounts = this.readStore.forTenant(accountId).collection<AccountView>(this.readModels.activeCollection(ACCOUNT_LIST));
    return (await accounts.get(accountId))?.status === 'closed';
  }
}
