import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CreatePermalink } from '../../domain/session/permalink.commands';
import type { CommandResult } from '../handle-command';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port';
import { SessionCommandMessage, SessionCommandSupport } from './session-command-support';

/** A readable path of the account that opens a session on a computer the creator may see; public ones behind an argon2id-hashed password. */
export class CreatePermalinkCommand extends SessionCommandMessage<{ path: string; computerId: string; public: boolean; password: string | null }> {
  readonly type = 'CreatePermalink';
}

@CommandHandler(CreatePermalinkCommand)
export class CreatePermalinkHandler implements ICommandHandler<CreatePermalinkCommand, CommandResult> {
  constructor(
    private readonly sessions: SessionCommandSupport,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
  ) {}

  async execute({ principal, data, meta }: CreatePermalinkCommand): Promise<CommandResult> {
    const computer = await this.sessions.sessionComputer(principal, data.computerId, meta);
    const created: CreatePermalink['data'] = {
      accountId: principal.tenantId,
      path: data.path,
      computerId: computer.computerId,
      public: data.public,
      passwordHash: data.password === null ? null : await this.hasher.hash(data.password),
    };
    return this.sessions.runPermalink(principal.tenantId, data.path, { type: 'CreatePermalink', data: created }, principal, meta);
  }
}
