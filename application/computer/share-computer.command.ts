import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ShareComputer, UnshareComputer } from '../../domain/computer/computer.commands';
import { DomainError } from '../../domain/shared/domain-error';
import { normalizeEmail } from '../../domain/user/email';
import { USER_LIST } from '../../read-models/user-list/user-list.projection';
import type { UserView } from '../../read-models/user-list/user-list.view';
import type { CommandResult } from '../handle-command';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { ComputerCommandMessage, ComputerCommandSupport } from './computer-command-support';

/** `user` is a user id, or the username (email) the share dialog was given. */
export interface ShareTarget {
  readonly computerId: string;
  readonly user: string;
}

export class ShareComputerCommand extends ComputerCommandMessage<ShareTarget> {
  readonly type = 'ShareComputer';
}
export class UnshareComputerCommand extends ComputerCommandMessage<ShareTarget> {
  readonly type = 'UnshareComputer';
}

const USER_REF_MAX = 254;

/** Shares reach users of the caller's own account only: a computer's documents live in its tenant. */
async function resolveUser(store: ReadStore, access: ReadModelAccess, tenantId: string, ref: unknown): Promise<string> {
  const notFound = () => new DomainError('USER_NOT_FOUND', 'No user of this account has that username or email');
  if (typeof ref !== 'string' || ref.trim().length === 0 || ref.length > USER_REF_MAX) throw notFound();
  const users = store.forTenant(tenantId).collection<UserView>(access.activeCollection(USER_LIST));
  const user = ref.includes('@') ? await users.findOne({ email: normalizeEmail(ref) }) : await users.get(ref.trim());
  if (!user) throw notFound();
  return user.id;
}

/** The owner or an admin shares a computer with another user of the account, found by username or email. */
@CommandHandler(ShareComputerCommand)
export class ShareComputerHandler implements ICommandHandler<ShareComputerCommand, CommandResult> {
  constructor(
    private readonly computers: ComputerCommandSupport,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal, data, meta }: ShareComputerCommand): Promise<CommandResult> {
    const userId = await resolveUser(this.store, this.access, principal.tenantId, data.user);
    return this.computers.runComputer<ShareComputer>(data.computerId, { type: 'ShareComputer', data: { computerId: data.computerId, userId } }, principal, meta);
  }
}

/** Revokes a share (owner, admin, or the user giving it up). A user id that left the account is still revocable. */
@CommandHandler(UnshareComputerCommand)
export class UnshareComputerHandler implements ICommandHandler<UnshareComputerCommand, CommandResult> {
  constructor(
    private readonly computers: ComputerCommandSupport,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal, data, meta }: UnshareComputerCommand): Promise<CommandResult> {
    const userId =
      typeof data.user === 'string' && data.user.includes('@') ? await resolveUser(this.store, this.access, principal.tenantId, data.user) : data.user;
    return this.computers.runComputer<UnshareComputer>(data.computerId, { type: 'UnshareComputer', data: { computerId: data.computerId, userId } }, principal, meta);
  }
}
