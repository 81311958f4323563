import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { AgentFacts } from '../../application/contracts/agent.protocol';
import { AuthenticateAgentCommand, type AgentIdentity as ComputerAgentIdentity } from '../../application/computer/authenticate-agent.command';
import { systemPrincipal } from '../../application/computer/computer-command-support';
import { MarkComputerOfflineCommand, MarkComputerOnlineCommand, UpdateComputerFactsCommand } from '../../application/computer/computer-presence.command';
import { SetAgentNameCommand } from '../../application/computer/set-agent-name.command';
import { ApplicationError } from '../../application/errors';
import type { CommandMeta } from '../../application/handle-command';
import type { GeoLocation } from '../../application/ports/geolocation.port';
import type { Principal } from '../../domain/shared/event';

/** A computer whose agent key checked out, and the principal its agent's commands run as. */
export interface AgentIdentity {
  readonly computerId: string;
  readonly accountId: string;
  readonly name: string;
  readonly principal: Principal;
}

/** Why a key opens nothing: the agent enrolls again (unknown, removed) or waits (disabled). */
export type AgentRefusal = 'unknown' | 'disabled';

/** Where a request of the agent came from, for the events' metadata. */
export interface AgentOrigin {
  readonly ip: string;
}

/** What the agent gateway asks of the computer use cases: the gateway itself decides nothing. */
export interface AgentDirectory {
  authenticate(agentKey: string, origin: AgentOrigin): Promise<AgentIdentity | { readonly refused: AgentRefusal }>;
  markOnline(agent: AgentIdentity, location: GeoLocation | null, nodeId: string, origin: AgentOrigin): Promise<void>;
  /** The server itself marks a computer offline (the sweeper or a closed socket), in the computer's tenant. */
  markOffline(computerId: string, accountId: string, reason: 'disconnected' | 'missed-heartbeats'): Promise<void>;
  reportFacts(agent: AgentIdentity, facts: AgentFacts, origin: AgentOrigin): Promise<void>;
  setAgentName(agent: AgentIdentity, name: string, origin: AgentOrigin): Promise<void>;
}

export const AGENT_DIRECTORY = Symbol('AgentDirectory');

const agentMeta = (origin: AgentOrigin): CommandMeta => ({
  correlationId: randomUUID(),
  source: { channel: 'agent', ...(origin.ip ? { ip: origin.ip } : {}) },
});

/** The directory over the computer commands on the CommandBus. */
@Injectable()
export class CommandBusAgentDirectory implements AgentDirectory {
  constructor(private readonly commands: CommandBus) {}

  async authenticate(agentKey: string, origin: AgentOrigin): Promise<AgentIdentity | { readonly refused: AgentRefusal }> {
    let identity: ComputerAgentIdentity;
    try {
      identity = await this.commands.execute<AuthenticateAgentCommand, ComputerAgentIdentity>(new AuthenticateAgentCommand(agentKey, agentMeta(origin)));
    } catch (error) {
      if (error instanceof ApplicationError && error.code === 'UNAUTHORIZED') return { refused: 'unknown' };
      throw error;
    }
    if (identity.planStatus === 'disabled') return { refused: 'disabled' };
    return { computerId: identity.computerId, accountId: identity.accountId, name: identity.name, principal: identity.principal };
  }

  async markOnline(agent: AgentIdentity, location: GeoLocation | null, nodeId: string, origin: AgentOrigin): Promise<void> {
    const data = {
      computerId: agent.computerId,
      ip: location?.ip ?? (origin.ip || null),
      city: location?.city ?? null,
      country: location?.country ?? null,
      nodeId,
    };
    await this.commands.execute(new MarkComputerOnlineCommand(agent.principal, data, agentMeta(origin)));
  }

  async markOffline(computerId: string, accountId: string, reason: 'disconnected' | 'missed-heartbeats'): Promise<void> {
    const meta: CommandMeta = { correlationId: randomUUID(), source: { channel: 'system' } };
    await this.commands.execute(new MarkComputerOfflineCommand(systemPrincipal(accountId, 'agent-presence'), { computerId, reason }, meta));
  }

  async reportFacts(agent: AgentIdentity, facts: AgentFacts, origin: AgentOrigin): Promise<void> {
    await this.commands.execute(new UpdateComputerFactsCommand(agent.principal, { computerId: agent.computerId, facts }, agentMeta(origin)));
  }

  async setAgentName(agent: AgentIdentity, name: string, origin: AgentOrigin): Promise<void> {
    await this.commands.execute(new SetAgentNameCommand(agent.principal, { computerId: agent.computerId, name }, agentMeta(origin)));
  }
}
