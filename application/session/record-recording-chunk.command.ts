import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RecordRecordingChunk } from '../../domain/session/session.commands';
import { sessionDecider } from '../../domain/session/session.decide';
import type { SessionEvent } from '../../domain/session/session.events';
import type { Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import { CommandRunner } from '../command-runner';
import type { CommandMeta, CommandResult } from '../handle-command';

/** The recorder, acting for the server in the session's tenant. */
export const recorderPrincipal = (tenantId: string): Principal => ({ kind: 'system', id: 'session-recorder', tenantId });

/** The recorder stored a chunk of a session's frames as a blob: the session's stream records it (and its SHA-256). */
export class RecordRecordingChunkCommand {
  readonly type = 'RecordRecordingChunk';
  constructor(
    readonly principal: Principal,
    readonly sessionId: string,
    readonly data: RecordRecordingChunk['data'],
    readonly meta: CommandMeta,
  ) {}
}

@CommandHandler(RecordRecordingChunkCommand)
export class RecordRecordingChunkHandler implements ICommandHandler<RecordRecordingChunkCommand, CommandResult<SessionEvent>> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ principal, sessionId, data, meta }: RecordRecordingChunkCommand): Promise<CommandResult<SessionEvent>> {
    return this.runner.run(streamName('session', sessionId), sessionDecider, { type: 'RecordRecordingChunk', data }, principal, meta);
  }
}
