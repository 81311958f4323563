import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '../../domain/shared/event';
import { AUDIT_LOG } from '../../read-models/audit-log/audit-log.projection';
import type { AuditEntryView } from '../../read-models/audit-log/audit-log.view';
import { isPosKey } from '../../read-models/audit-log/audit-pos-key';
import { DEFAULT_CONSISTENCY_WAIT_MS, type Consistency } from '../account/account.queries';
import { ApplicationError, ForbiddenError } from '../errors';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';

/** Largest page a caller may ask for; an export walks the log page by page at this size. */
export const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;
/** Event types one query may name at once. */
export const AUDIT_TYPES_MAX = 20;

/** Roles that may read a tenant's audit log. Technicians work in it but do not audit it. */
export const AUDIT_READER_ROLES: ReadonlySet<NonNullable<Principal['role']>> = new Set(['owner', 'admin', 'operator']);

export const AUDIT_ACTOR_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,127}$/;
export const AUDIT_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,99}$/;
/** A stream name (`account-42`) or a stream category alone (`account`). */
export const AUDIT_AGGREGATE_PATTERN = /^[a-z][a-z0-9]{0,31}(-[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127})?$/;

export interface AuditFilter {
  /** Events by this actor id. */
  readonly actor?: string;
  /** Events of any of these types. */
  readonly types?: readonly string[];
  /** A stream (`account-42`), or every stream of a category (`account`). */
  readonly aggregate?: string;
  /** Events at or after this ISO-8601 time. */
  readonly from?: string;
  /** Events strictly before this ISO-8601 time. */
  readonly to?: string;
}

export interface AuditPageRequest {
  /** A `nextCursor` from the previous page: only older events. The first page has none. */
  readonly before?: string;
  /** 1..AUDIT_PAGE_MAX; AUDIT_PAGE_DEFAULT when absent. */
  readonly limit?: number;
}

export interface AuditPage {
  /** Newest first. */
  readonly entries: AuditEntryView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

/** A filter, cursor or limit the audit query cannot run; `INVALID_*` codes are 400s. */
export class InvalidAuditQueryError extends ApplicationError {
  constructor(code: 'INVALID_CURSOR' | 'INVALID_LIMIT' | 'INVALID_PERIOD' | 'INVALID_FILTER', message: string) {
    super(code, message);
  }
}

/**
 * The audit log of the caller's tenant, newest first, by ranges of `posKey`: a page is "the
 * `limit` newest entries older than the cursor", so events appended meanwhile (always newer)
 * never shift or repeat the pages that follow.
 */
export class ListAuditEntriesQuery {
  constructor(
    readonly principal: Principal,
    readonly filter: AuditFilter = {},
    readonly page: AuditPageRequest = {},
    readonly consistency: Consistency = {},
  ) {}
}

@QueryHandler(ListAuditEntriesQuery)
export class ListAuditEntriesHandler implements IQueryHandler<ListAuditEntriesQuery, AuditPage> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal, filter, page, consistency }: ListAuditEntriesQuery): Promise<AuditPage> {
    assertMayReadAudit(principal);
    const limit = page.limit ?? AUDIT_PAGE_DEFAULT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > AUDIT_PAGE_MAX) {
      throw new InvalidAuditQueryError('INVALID_LIMIT', `limit must be an integer from 1 to ${AUDIT_PAGE_MAX}`);
    }
    if (page.before !== undefined && !isPosKey(page.before)) {
      throw new InvalidAuditQueryError('INVALID_CURSOR', 'before must be a nextCursor returned by a previous page');
    }
    const where = auditFilter(filter);
    if (page.before !== undefined) where.posKey = { $lt: page.before };

    if (consistency.minPosition) {
      await this.access.waitFor(AUDIT_LOG, consistency.minPosition, consistency.waitMs ?? DEFAULT_CONSISTENCY_WAIT_MS);
    }
    const collection = this.store.forTenant(principal.tenantId).collection<AuditEntryView>(this.access.activeCollection(AUDIT_LOG));
    // One more than asked tells whether an older page exists without counting.
    const found = await collection.find(where, { sort: { posKey: -1 }, limit: limit + 1 });
    const entries = found.slice(0, limit).map(withoutInternals);
    const nextCursor = found.length > limit ? entries[entries.length - 1].posKey : null;
    return { entries, nextCursor };
  }
}

/** Owners, admins and operators of the tenant read its audit log; anyone else is refused. */
export function assertMayReadAudit(principal: Principal): void {
  if (!principal.role || !AUDIT_READER_ROLES.has(principal.role)) {
    throw new ForbiddenError('Only the owners and admins of an account read its audit log');
  }
}

/** The read-store filter of an audit filter. Every value is checked here too: it reaches a query language. */
export function auditFilter(filter: AuditFilter): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (filter.actor !== undefined) {
    if (typeof filter.actor !== 'string' || !AUDIT_ACTOR_PATTERN.test(filter.actor)) {
      throw new InvalidAuditQueryError('INVALID_FILTER', 'actor must be an actor id');
    }
    where['actor.id'] = filter.actor;
  }
  if (filter.types !== undefined) {
    const types = filter.types;
    if (!Array.isArray(types) || types.length === 0 || types.length > AUDIT_TYPES_MAX || !types.every((t) => typeof t === 'string' && AUDIT_TYPE_PATTERN.test(t))) {
      throw new InvalidAuditQueryError('INVALID_FILTER', `type must be 1 to ${AUDIT_TYPES_MAX} event type names`);
    }
    where.type = types.length === 1 ? types[0] : { $in: [...new Set(types)] };
  }
  if (filter.aggregate !== undefined) {
    if (typeof filter.aggregate !== 'string' || !AUDIT_AGGREGATE_PATTERN.test(filter.aggregate)) {
      throw new InvalidAuditQueryError('INVALID_FILTER', 'aggregate must be a stream name (account-42) or a stream category (account)');
    }
    if (filter.aggregate.includes('-')) where.aggregate = filter.aggregate;
    else where.aggregateType = filter.aggregate;
  }
  const from = filter.from === undefined ? undefined : isoTime(filter.from, 'from');
  const to = filter.to === undefined ? undefined : isoTime(filter.to, 'to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new InvalidAuditQueryError('INVALID_PERIOD', 'from must not be after to');
  }
  if (from !== undefined || to !== undefined) {
    where.at = { ...(from !== undefined ? { $gte: from } : {}), ...(to !== undefined ? { $lt: to } : {}) };
  }
  return where;
}

/** A date alone (midnight UTC) or a date-time with its offset: a time without one would depend on the server's zone. */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO-8601 date or date-time as the canonical UTC string the rows store in `at`. */
export function isoTime(value: string, name: string): string {
  const match = typeof value === 'string' ? ISO_8601.exec(value) : null;
  const ms = match && realDay(Number(match[1]), Number(match[2]), Number(match[3])) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidAuditQueryError('INVALID_PERIOD', `${name} must be an ISO-8601 date (2026-11-21) or date-time with offset (2026-11-21T10:00:00Z)`);
  }
  return new Date(ms).toISOString();
}

/** Date.parse rolls 2026-02-30 over to March; a calendar day that does not exist is refused instead. */
function realDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function withoutInternals(doc: AuditEntryView): AuditEntryView {
  const { _pos: _ignored, ...entry } = doc;
  return entry;
}
