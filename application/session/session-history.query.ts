import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { SESSION_SOURCES, type SessionSource } from '../../domain/session/session.events';
import type { Principal } from '../../domain/shared/event';
import { SESSION_HISTORY } from '../../read-models/session-history/session-history.projection';
import type { SessionHistoryDoc } from '../../read-models/session-history/session-history.view';
import { DEFAULT_CONSISTENCY_WAIT_MS, type Consistency } from '../account/account.queries';
import { isoTime } from '../audit/list-audit-entries.query';
import { SESSION_HISTORY_PAGE_DEFAULT, SESSION_HISTORY_PAGE_MAX, type SessionHistoryPage } from '../contracts/session-history.contracts';
import { ApplicationError } from '../errors';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type Filter, type ReadStore } from '../ports/read-store.port';
import { allOf, toSessionRow, visibleTo } from './session-rows';

export interface SessionHistoryFilter {
  readonly computerId?: string;
  /** Sessions opened at or after this ISO-8601 date or time. */
  readonly from?: string;
  /** Sessions opened strictly before this ISO-8601 date or time. */
  readonly to?: string;
  /** Sessions this user joined. */
  readonly technicianId?: string;
  readonly source?: SessionSource;
}

export interface SessionHistoryPageRequest {
  /** `next` of the previous page; the first page has none. */
  readonly after?: string;
  /** 1..SESSION_HISTORY_PAGE_MAX; SESSION_HISTORY_PAGE_DEFAULT when absent. */
  readonly limit?: number;
}

const ID = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

const invalidFilter = (message: string) => new ApplicationError('INVALID_FILTER', message);

/** Where the next page starts: strictly older than (openedAt, id). */
interface Cursor {
  readonly o: string;
  readonly i: string;
}

export const encodeHistoryCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

function decodeHistoryCursor(raw: string): Cursor {
  try {
    if (typeof raw !== 'string' || raw.length > 512) throw new Error('cursor too long');
    const cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof cursor.o === 'string' && !Number.isNaN(Date.parse(cursor.o)) && typeof cursor.i === 'string' && ID.test(cursor.i)) return cursor;
  } catch {
    // Answered below: whatever does not decode is not a cursor of ours.
  }
  throw new ApplicationError('INVALID_CURSOR', 'after must be the next cursor of a previous page');
}

/**
 * The sessions a caller may see (all of the account's for its owners and admins, those they opened
 * or joined otherwise), newest first, by ranges of (openedAt, id): a page is "the `limit` newest
 * sessions older than the cursor", so sessions opened meanwhile never shift or repeat later pages.
 */
export class SessionHistoryQuery {
  constructor(
    readonly principal: Principal,
    readonly filter: SessionHistoryFilter = {},
    readonly page: SessionHistoryPageRequest = {},
    readonly consistency: Consistency = {},
  ) {}
}

@QueryHandler(SessionHistoryQuery)
export class SessionHistoryHandler implements IQueryHandler<SessionHistoryQuery, SessionHistoryPage> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal, filter, page, consistency }: SessionHistoryQuery): Promise<SessionHistoryPage> {
    const limit = page.limit ?? SESSION_HISTORY_PAGE_DEFAULT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > SESSION_HISTORY_PAGE_MAX) {
      throw new ApplicationError('INVALID_LIMIT', `limit must be an integer from 1 to ${SESSION_HISTORY_PAGE_MAX}`);
    }
    const conditions = [visibleTo(principal), historyFilter(filter)];
    if (page.after !== undefined) {
      const { o, i } = decodeHistoryCursor(page.after);
      conditions.push({ $or: [{ openedAt: { $lt: o } }, { openedAt: o, id: { $lt: i } }] });
    }
    if (consistency.minPosition) {
      await this.access.waitFor(SESSION_HISTORY, consistency.minPosition, consistency.waitMs ?? DEFAULT_CONSISTENCY_WAIT_MS);
    }
    const sessions = this.store.forTenant(principal.tenantId).collection<SessionHistoryDoc>(this.access.activeCollection(SESSION_HISTORY));
    // One more than asked tells whether an older page exists without counting.
    const found = await sessions.find(allOf(conditions), { sort: { openedAt: -1, id: -1 }, limit: limit + 1 });
    const rows = found.slice(0, limit);
    const last = rows.at(-1);
    return { items: rows.map(toSessionRow), next: found.length > limit && last ? encodeHistoryCursor({ o: last.openedAt, i: last.id }) : null };
  }
}

/** The read-store filter of a history filter. Every value is checked here: it reaches a query language. */
export function historyFilter(filter: SessionHistoryFilter): Filter {
  const where: Record<string, unknown> = {};
  if (filter.computerId !== undefined) {
    if (typeof filter.computerId !== 'string' || !ID.test(filter.computerId)) throw invalidFilter('computerId must be a computer id');
    where.computerId = filter.computerId;
  }
  if (filter.technicianId !== undefined) {
    if (typeof filter.technicianId !== 'string' || !ID.test(filter.technicianId)) throw invalidFilter('technicianId must be a user id');
    where.technicianIds = filter.technicianId;
  }
  if (filter.source !== undefined) {
    if (!SESSION_SOURCES.includes(filter.source)) throw invalidFilter(`source must be one of ${SESSION_SOURCES.join(', ')}`);
    where.source = filter.source;
  }
  const from = filter.from === undefined ? undefined : isoTime(filter.from, 'from');
  const to = filter.to === undefined ? undefined : isoTime(filter.to, 'to');
  if (from !== undefined && to !== undefined && from > to) throw new ApplicationError('INVALID_PERIOD', 'from must not be after to');
  if (from !== undefined || to !== undefined) {
    where.openedAt = { ...(from !== undefined ? { $gte: from } : {}), ...(to !== undefined ? { $lt: to } : {}) };
  }
  return where;
}
