import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult } from '../handle-command';
import { SessionCommandMessage, SessionCommandSupport } from './session-command-support';

/** Its creator or an admin removes a permalink; the path is free again. */
export class RemovePermalinkCommand extends SessionCommandMessage<{ path: string }> {
  readonly type = 'RemovePermalink';
}

@CommandHandler(RemovePermalinkCommand)
export class RemovePermalinkHandler implements ICommandHandler<RemovePermalinkCommand, CommandResult> {
  constructor(private readonly sessions: SessionCommandSupport) {}

  execute({ principal, data, meta }: RemovePermalinkCommand): Promise<CommandResult> {
    return this.sessions.runPermalink(principal.tenantId, data.path, { type: 'RemovePermalink', data: {} }, principal, meta);
  }
}
