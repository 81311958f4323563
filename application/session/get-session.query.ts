import { Inject, Injectable } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { CommandLineRecorded } from '../../domain/session/session.events';
import type { Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import { SESSION_HISTORY } from '../../read-models/session-history/session-history.projection';
import type { SessionHistoryDoc } from '../../read-models/session-history/session-history.view';
import { DEFAULT_CONSISTENCY_WAIT_MS, type Consistency } from '../account/account.queries';
import type { SessionDetailsView } from '../contracts/session-history.contracts';
import { ApplicationError } from '../errors';
import type { CommandMeta } from '../handle-command';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../ports/event-store.port';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { SecurityAttemptRecorder } from '../user/security-attempts';
import { maySeeSession, toSessionRow } from './session-rows';

const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * One session of the caller's tenant as the caller may see it, with its stream for the details
 * (command lines, recording chunks, the timeline). A session of another tenant is not found; one
 * of the tenant the caller took no part in (and does not oversee) is refused and recorded.
 */
@Injectable()
export class VisibleSessions {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly security: SecurityAttemptRecorder,
  ) {}

  async row(principal: Principal, sessionId: string, meta: CommandMeta, consistency: Consistency = {}): Promise<SessionHistoryDoc> {
    if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) throw notFound();
    if (consistency.minPosition) {
      await this.access.waitFor(SESSION_HISTORY, consistency.minPosition, consistency.waitMs ?? DEFAULT_CONSISTENCY_WAIT_MS);
    }
    const doc = await this.store.forTenant(principal.tenantId).collection<SessionHistoryDoc>(this.access.activeCollection(SESSION_HISTORY)).get(sessionId);
    if (!doc) throw notFound();
    if (!maySeeSession(principal, doc)) {
      const attempt = { action: 'join-session' as const, reason: 'forbidden', ...(principal.kind === 'user' ? { userId: principal.id } : {}) };
      await this.security.record(principal.tenantId, attempt, meta, { kind: principal.kind, id: principal.id });
      throw new ApplicationError('SESSION_FORBIDDEN', 'Only its technicians and the account’s admins see this session');
    }
    return doc;
  }

  /** The session's events, oldest first. */
  stream(doc: SessionHistoryDoc): Promise<RecordedEvent[]> {
    return this.events.readStream(streamName('session', doc.id));
  }
}

const notFound = () => new ApplicationError('SESSION_NOT_FOUND', 'No such session');

/** One session: its history row and the command lines typed into its prompts. */
export class GetSessionQuery {
  constructor(
    readonly principal: Principal,
    readonly sessionId: string,
    readonly meta: CommandMeta,
    readonly consistency: Consistency = {},
  ) {}
}

@QueryHandler(GetSessionQuery)
export class GetSessionHandler implements IQueryHandler<GetSessionQuery, SessionDetailsView> {
  constructor(private readonly sessions: VisibleSessions) {}

  async execute({ principal, sessionId, meta, consistency }: GetSessionQuery): Promise<SessionDetailsView> {
    const doc = await this.sessions.row(principal, sessionId, meta, consistency);
    const events = await this.sessions.stream(doc);
    const commandLines = events
      .filter((e) => e.type === 'CommandLineRecorded')
      .map((e) => {
        const { promptId, byUserId, line, at } = e.data as CommandLineRecorded['data'];
        return { promptId, byUserId, line, at };
      });
    return { ...toSessionRow(doc), commandLines };
  }
}
