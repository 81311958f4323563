import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SetSessionRecording } from '../../domain/account/account.commands';
import type { CommandResult } from '../handle-command';
import { SessionCommandMessage, SessionCommandSupport } from './session-command-support';

/** The account owner or an admin turns the recording of the account's sessions on or off (sessions opened afterwards). */
export class SetSessionRecordingCommand extends SessionCommandMessage<SetSessionRecording['data']> {
  readonly type = 'SetSessionRecording';
}

@CommandHandler(SetSessionRecordingCommand)
export class SetSessionRecordingHandler implements ICommandHandler<SetSessionRecordingCommand, CommandResult> {
  constructor(private readonly sessions: SessionCommandSupport) {}

  execute({ principal, data, meta }: SetSessionRecordingCommand): Promise<CommandResult> {
    return this.sessions.computers.runAccount<SetSessionRecording>(data.accountId, { type: 'SetSessionRecording', data }, principal, meta);
  }
}
