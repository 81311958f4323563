import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { OpenSession } from '../../domain/session/session.commands';
import { addMilliseconds } from '../../domain/user/user.time';
import type { SessionOpenedResult } from './open-computer-session.command';
import { SessionCommandMessage, SessionCommandSupport } from './session-command-support';

/** What the technician gets back: the token (to build the URLs from, once) and when the link stops waiting. */
export interface SupportLinkResult extends SessionOpenedResult {
  readonly token: string;
  readonly expiresAt: string;
  /** The technician's name as the session shows it (the mail to the end-user says who sent it). */
  readonly ownerName: string;
}

/**
 * A technician's personal support link, customised with a ticket and the end-user's name: one
 * session per link, waiting for end-users until it expires. The token (256 bits) is given once and
 * never stored; the session id is derived from it.
 */
export class CreateSupportLinkCommand extends SessionCommandMessage<{ ticket: string | null; endUserName: string | null }> {
  readonly type = 'CreateSupportLink';
}

@CommandHandler(CreateSupportLinkCommand)
export class CreateSupportLinkHandler implements ICommandHandler<CreateSupportLinkCommand, SupportLinkResult> {
  constructor(private readonly sessions: SessionCommandSupport) {}

  async execute({ principal, data, meta }: CreateSupportLinkCommand): Promise<SupportLinkResult> {
    const token = this.sessions.secrets.token();
    const sessionId = this.sessions.linkSessionId(token);
    const expiresAt = addMilliseconds(this.sessions.clock.now(), this.sessions.timing.supportLinkTtlMs);
    const ownerName = await this.sessions.displayName(principal.id);
    const opened: OpenSession['data'] = {
      sessionId,
      accountId: principal.tenantId,
      ownerUserId: principal.id,
      ownerName,
      source: 'link',
      computerId: null,
      computerAccountId: null,
      computerName: null,
      ticket: data.ticket,
      endUserName: data.endUserName,
      expiresAt,
      recording: await this.sessions.recordingOn(principal.tenantId),
      permalinkPath: null,
    };
    const result = await this.sessions.runSession(sessionId, { type: 'OpenSession', data: opened }, principal, meta);
    return { ...result, sessionId, token, expiresAt, ownerName };
  }
}
