import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AccountStreamEvent } from '../../domain/account/account.state';
import type { AllocateComputerSlot } from '../../domain/account/account-plan.commands';
import type { ComputerFacts, EnrollmentMethod, PlanStatus } from '../../domain/computer/computer.events';
import type { EnrollComputer } from '../../domain/computer/computer.commands';
import { DomainError } from '../../domain/shared/domain-error';
import type { CommandMeta } from '../handle-command';
import type { Position } from '../ports/position';
import { refusal } from '../user/user.errors';
import { UserCommandSupport } from '../user/user-command-support';
import { agentPrincipal, ComputerCommandSupport } from './computer-command-support';
import { composeAgentKey, parseEnrollmentToken } from './computer-tokens';

/** What the agent presents: the account's username (email) and password, or a token from the console. */
export type EnrollCredentials =
  | { readonly method: 'password' | 'cli'; readonly username: string; readonly password: string }
  | { readonly method: 'enrollment-token' | 'add-computer-link'; readonly token: string };

export interface EnrollComputerResult {
  readonly computerId: string;
  readonly accountId: string;
  readonly ownerUserId: string;
  /** Given to the agent once; the server keeps only its SHA-256. */
  readonly agentKey: string;
  readonly name: string;
  readonly planStatus: PlanStatus;
  readonly limitedUntil: string | null;
  readonly position: Position;
}

/** `POST /api/agent/enroll`: no signed-in caller; the credentials are the request's own. */
export class EnrollComputerCommand {
  readonly type = 'EnrollComputer';
  constructor(
    readonly credentials: EnrollCredentials,
    readonly facts: ComputerFacts,
    readonly name: string | undefined,
    readonly meta: CommandMeta,
  ) {}
}

/** A token that names no account, or no account of ours, gets the same answer as a wrong one. */
const invalidToken = () => new DomainError('ENROLLMENT_TOKEN_INVALID', 'This enrollment token or add-computer link is not valid');

/**
 * Ties a computer to an account: checks the credentials (a password through the user's stream, a
 * token through the account's), takes a plan slot (using the token in the same append), then
 * writes the computer's first event with the hash of a fresh agent key.
 */
@CommandHandler(EnrollComputerCommand)
export class EnrollComputerHandler implements ICommandHandler<EnrollComputerCommand, EnrollComputerResult> {
  constructor(
    private readonly computers: ComputerCommandSupport,
    private readonly users: UserCommandSupport,
  ) {}

  async execute({ credentials, facts, name, meta }: EnrollComputerCommand): Promise<EnrollComputerResult> {
    const computerId = this.computers.ids.newId();
    const slot = await this.resolve(credentials);
    const principal = agentPrincipal(computerId, slot.accountId);
    const allocated = await this.computers
      .runAccount<AllocateComputerSlot>(
        slot.accountId,
        {
          type: 'AllocateComputerSlot',
          data: { accountId: slot.accountId, computerId, ...slot.by, ...(this.computers.planDefaults ? { defaultLimits: this.computers.planDefaults } : {}) },
        },
        principal,
        meta,
      )
      .catch((error: unknown) => {
        // A token naming an account that does not exist is just an invalid token to the agent.
        if (slot.by.token && error instanceof DomainError && error.code === 'ACCOUNT_NOT_FOUND') throw invalidToken();
        throw error;
      });
    const allocation = allocated.events.find(
      (e): e is Extract<AccountStreamEvent, { type: 'AccountComputerSlotAllocated' }> => e.type === 'AccountComputerSlotAllocated',
    );
    if (!allocation) throw new Error(`No slot was allocated for computer ${computerId}`);
    const agentKey = composeAgentKey(computerId, this.computers.secrets.token());
    const { planStatus, limitedUntil, ownerUserId } = allocation.data;
    const enrolled = await this.computers.runComputer<EnrollComputer>(
      computerId,
      {
        type: 'EnrollComputer',
        data: {
          computerId,
          accountId: slot.accountId,
          ownerUserId,
          method: credentials.method as EnrollmentMethod,
          agentKeyHash: this.computers.digest(agentKey),
          ...(name === undefined ? {} : { name }),
          facts,
          planStatus,
          ...(limitedUntil === undefined ? {} : { limitedUntil }),
          ...(meta.source?.ip ? { ip: meta.source.ip } : {}),
        },
      },
      principal,
      meta,
    );
    const event = enrolled.events[0];
    if (event?.type !== 'ComputerEnrolled') throw new Error(`Computer ${computerId} was not enrolled`);
    return {
      computerId,
      accountId: slot.accountId,
      ownerUserId,
      agentKey,
      name: event.data.name,
      planStatus,
      limitedUntil: limitedUntil ?? null,
      position: enrolled.position,
    };
  }

  /** The account and either the owner (password) or the token's hash (the account decider checks it). */
  private async resolve(credentials: EnrollCredentials): Promise<{ accountId: string; by: Pick<AllocateComputerSlot['data'], 'ownerUserId' | 'token'> }> {
    switch (credentials.method) {
      case 'password':
      case 'cli': {
        const user = typeof credentials.username === 'string' ? await this.users.userByEmail(credentials.username) : null;
        if (!user) {
          await this.users.burnPasswordCheck(credentials.password);
          throw refusal('INVALID_CREDENTIALS');
        }
        const { matches } = await this.users.checkPassword(user, credentials.password);
        if (!matches) throw refusal('INVALID_CREDENTIALS');
        return { accountId: user.accountId, by: { ownerUserId: user.userId } };
      }
      case 'enrollment-token':
      case 'add-computer-link': {
        const parsed = parseEnrollmentToken(credentials.token);
        if (!parsed) throw invalidToken();
        return { accountId: parsed.accountId, by: { token: { tokenHash: this.computers.digest(credentials.token), kind: credentials.method } } };
      }
      default: {
        const unknown: never = credentials;
        throw new DomainError('ENROLLMENT_METHOD_INVALID', `Unknown enrollment method ${JSON.stringify((unknown as { method?: unknown }).method)}`);
      }
    }
  }
}
