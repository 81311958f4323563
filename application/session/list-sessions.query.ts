import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { mayOverseeSessions } from '../../domain/session/session.access';
import type { Principal } from '../../domain/shared/event';
import { SESSION_HISTORY } from '../../read-models/session-history/session-history.projection';
import type { SessionHistoryDoc } from '../../read-models/session-history/session-history.view';
import { DEFAULT_CONSISTENCY_WAIT_MS, type Consistency } from '../account/account.queries';
import type { SessionListResponse } from '../contracts/session-history.contracts';
import { ApplicationError, ForbiddenError } from '../errors';
import { CLOCK, type Clock } from '../ports/clock.port';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type Filter, type ReadStore } from '../ports/read-store.port';
import { allOf, takenPartIn, toSessionRow } from './session-rows';

/** `mine`: sessions the caller opened or joined. `all`: every session of the account ("show all sessions"). */
export type SessionScope = 'mine' | 'all';
export type LiveSessionStatus = 'waiting' | 'active';
export const LIVE_SESSION_STATUSES: readonly LiveSessionStatus[] = ['waiting', 'active'];

/** Sessions that are not over are few at any time; the list is capped rather than paged. */
export const LIVE_SESSIONS_MAX = 500;

/**
 * The available connections (sessions waiting, with or without end-users ready) and the active
 * sessions, newest first. A link or code session nobody came to and whose time is up is gone from
 * here even before anything ends it.
 */
export class ListSessionsQuery {
  constructor(
    readonly principal: Principal,
    readonly scope: SessionScope = 'mine',
    readonly statuses: readonly LiveSessionStatus[] = LIVE_SESSION_STATUSES,
    readonly consistency: Consistency = {},
  ) {}
}

@QueryHandler(ListSessionsQuery)
export class ListSessionsHandler implements IQueryHandler<ListSessionsQuery, SessionListResponse> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ principal, scope, statuses, consistency }: ListSessionsQuery): Promise<SessionListResponse> {
    const who = scopeFilter(principal, scope);
    if (statuses.length === 0 || !statuses.every((s) => LIVE_SESSION_STATUSES.includes(s))) {
      throw new ApplicationError('VALIDATION_FAILED', `status must be one or more of ${LIVE_SESSION_STATUSES.join(', ')}`);
    }
    if (consistency.minPosition) {
      await this.access.waitFor(SESSION_HISTORY, consistency.minPosition, consistency.waitMs ?? DEFAULT_CONSISTENCY_WAIT_MS);
    }
    const now = this.clock.now();
    const live: Filter = {
      status: statuses.length === 1 ? statuses[0] : { $in: [...new Set(statuses)] },
      $nor: [{ status: 'waiting', expiresAt: { $ne: null, $lte: now }, endUsers: { $size: 0 } }],
    };
    const sessions = this.store.forTenant(principal.tenantId).collection<SessionHistoryDoc>(this.access.activeCollection(SESSION_HISTORY));
    const docs = await sessions.find(allOf([who, live]), { sort: { openedAt: -1, id: -1 }, limit: LIVE_SESSIONS_MAX });
    return { items: docs.map(toSessionRow) };
  }
}

/** `all` is for those who oversee the account's sessions (owners, admins, operators); others are refused. */
function scopeFilter(principal: Principal, scope: SessionScope): Filter {
  if (scope === 'mine') {
    if (principal.kind !== 'user') throw new ForbiddenError('Only a signed-in user has sessions of their own; ask for scope=all');
    return takenPartIn(principal);
  }
  if (scope === 'all') {
    if (!mayOverseeSessions(principal, principal.tenantId)) throw new ForbiddenError("Only the account's owners and admins see all sessions");
    return {};
  }
  throw new ApplicationError('VALIDATION_FAILED', 'scope must be mine or all');
}
