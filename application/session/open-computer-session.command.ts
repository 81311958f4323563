import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { OpenSession } from '../../domain/session/session.commands';
import type { CommandResult } from '../handle-command';
import { SessionCommandMessage, SessionCommandSupport } from './session-command-support';

/** What opening a session answers: the new session's id beside the usual revision and position. */
export interface SessionOpenedResult extends CommandResult {
  readonly sessionId: string;
}

/** One click on a computer the technician may see (console, or the mobile console): a waiting session, started when the viewer connects. */
export class OpenComputerSessionCommand extends SessionCommandMessage<{ computerId: string; mobile: boolean }> {
  readonly type = 'OpenComputerSession';
}

@CommandHandler(OpenComputerSessionCommand)
export class OpenComputerSessionHandler implements ICommandHandler<OpenComputerSessionCommand, SessionOpenedResult> {
  constructor(private readonly sessions: SessionCommandSupport) {}

  async execute({ principal, data, meta }: OpenComputerSessionCommand): Promise<SessionOpenedResult> {
    const computer = await this.sessions.sessionComputer(principal, data.computerId, meta);
    const sessionId = this.sessions.ids.newId();
    const opened: OpenSession['data'] = {
      sessionId,
      accountId: principal.tenantId,
      ownerUserId: principal.id,
      ownerName: await this.sessions.displayName(principal.id),
      source: data.mobile ? 'mobile' : 'console',
      computerId: computer.computerId,
      computerAccountId: computer.accountId === principal.tenantId ? null : computer.accountId,
      computerName: computer.name,
      ticket: null,
      endUserName: null,
      expiresAt: null,
      recording: await this.sessions.recordingOn(principal.tenantId),
      permalinkPath: null,
    };
    const result = await this.sessions.runSession(sessionId, { type: 'OpenSession', data: opened }, principal, meta);
    return { ...result, sessionId };
  }
}
