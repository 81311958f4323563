import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, isDomainError } from '../../domain/shared/domain-error';
import { isSessionTechnician } from '../../domain/session/session.access';
import { SessionCommandMessage, SessionCommandSupport } from './session-command-support';
import { SessionEndings } from './session-endings';

/**
 * A technician ends a session they are in or own (reason technician); an owner or admin ends anyone's,
 * from the history page (reason admin). Ending an ended session changes nothing. A refusal is audited.
 */
export class EndSessionCommand extends SessionCommandMessage<{ sessionId: string }> {
  readonly type = 'EndSession';
}

@CommandHandler(EndSessionCommand)
export class EndSessionHandler implements ICommandHandler<EndSessionCommand, { ended: boolean }> {
  constructor(
    private readonly sessions: SessionCommandSupport,
    private readonly endings: SessionEndings,
  ) {}

  async execute({ principal, data, meta }: EndSessionCommand): Promise<{ ended: boolean }> {
    const session = await this.sessions.loadSession(data.sessionId);
    if (session.status === 'none' || session.accountId !== principal.tenantId) throw new DomainError('SESSION_NOT_FOUND', 'No such session');
    const reason = isSessionTechnician(principal, session) ? 'technician' : 'admin';
    try {
      return { ended: await this.endings.end(data.sessionId, reason, null, meta, principal) };
    } catch (error) {
      if (isDomainError(error) && error.code === 'SESSION_FORBIDDEN') {
        await this.sessions.refused(principal.tenantId, 'join-session', 'end_forbidden', meta, principal, data.sessionId);
      }
      throw error;
    }
  }
}
