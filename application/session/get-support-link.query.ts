import { IQuery, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/domain-error';
import { isUnclaimedAndExpired } from '../../domain/session/session.decide';
import { SessionCommandSupport } from './session-command-support';

/** What the end-user's page shows of a support link before they start the agent. */
export interface SupportLinkView {
  readonly technicianName: string;
  readonly ticket: string | null;
  readonly endUserName: string | null;
  readonly expiresAt: string | null;
  readonly state: 'open' | 'ended' | 'expired';
}

/** A support link, by its token (public: the token is the credential). */
export class GetSupportLinkQuery implements IQuery {
  constructor(readonly token: string) {}
}

@QueryHandler(GetSupportLinkQuery)
export class GetSupportLinkHandler implements IQueryHandler<GetSupportLinkQuery, SupportLinkView> {
  constructor(private readonly sessions: SessionCommandSupport) {}

  async execute({ token }: GetSupportLinkQuery): Promise<SupportLinkView> {
    const session = await this.sessions.loadSession(this.sessions.linkSessionId(token));
    if (session.status === 'none' || session.source !== 'link') throw new DomainError('SUPPORT_LINK_NOT_FOUND', 'No such support link');
    const state = session.status === 'ended' ? 'ended' : isUnclaimedAndExpired(session, this.sessions.clock.now()) ? 'expired' : 'open';
    return { technicianName: session.ownerName, ticket: session.ticket, endUserName: session.endUserName, expiresAt: session.expiresAt, state };
  }
}
