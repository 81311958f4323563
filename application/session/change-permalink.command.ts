import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ChangePermalink } from '../../domain/session/permalink.commands';
import type { CommandResult } from '../handle-command';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port';
import { SessionCommandMessage, SessionCommandSupport } from './session-command-support';

/** Its creator or an admin opens or closes it to guests, sets or removes its password, points it at another computer they may see. */
export class ChangePermalinkCommand extends SessionCommandMessage<{ path: string; public?: boolean; password?: string | null; computerId?: string }> {
  readonly type = 'ChangePermalink';
}

@CommandHandler(ChangePermalinkCommand)
export class ChangePermalinkHandler implements ICommandHandler<ChangePermalinkCommand, CommandResult> {
  constructor(
    private readonly sessions: SessionCommandSupport,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
  ) {}

  async execute({ principal, data, meta }: ChangePermalinkCommand): Promise<CommandResult> {
    if (data.computerId !== undefined) await this.sessions.sessionComputer(principal, data.computerId, meta);
    const change: ChangePermalink['data'] = {
      ...(data.public === undefined ? {} : { public: data.public }),
      ...(data.computerId === undefined ? {} : { computerId: data.computerId }),
      ...(data.password === undefined ? {} : { passwordHash: data.password === null ? null : await this.hasher.hash(data.password) }),
    };
    return this.sessions.runPermalink(principal.tenantId, data.path, { type: 'ChangePermalink', data: change }, principal, meta);
  }
}
