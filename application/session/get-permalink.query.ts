import { type IQuery, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/domain-error';
import { SessionCommandSupport } from './session-command-support';

/** What the permalink page shows before opening (public: the path is readable by design). */
export interface PermalinkInfo {
  readonly computerName: string | null;
  readonly public: boolean;
  readonly needsPassword: boolean;
}

export class GetPermalinkQuery implements IQuery {
  constructor(readonly accountId: string, readonly path: string) {}
}

@QueryHandler(GetPermalinkQuery)
export class GetPermalinkHandler implements IQueryHandler<GetPermalinkQuery, PermalinkInfo> {
  constructor(private readonly sessions: SessionCommandSupport) {}

  async execute({ accountId, path }: GetPermalinkQuery): Promise<PermalinkInfo> {
    const permalink = await this.sessions.loadPermalink(accountId, path);
    if (permalink.status !== 'active') throw new DomainError('PERMALINK_NOT_FOUND', 'No such permalink');
    const computer = await this.sessions.computers.loadComputer(permalink.computerId);
    return {
      computerName: computer.status === 'active' ? computer.name : null,
      public: permalink.public,
      needsPassword: permalink.public && permalink.passwordHash !== null,
    };
  }
}
