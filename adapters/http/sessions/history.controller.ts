import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Header, Inject, Logger, Param, Query, Res, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { Consistency } from '../../../application/account/account.queries';
import {
  SESSION_HISTORY_PAGE_MAX,
  type SessionDetailsView,
  type SessionHistoryPage,
  type SessionListResponse,
  type SessionRow,
} from '../../../application/contracts/session-history.contracts';
import type { CommandMeta } from '../../../application/handle-command';
import { CLOCK, type Clock } from '../../../application/ports/clock.port';
import { isPosition } from '../../../application/ports/position';
import { GetSessionQuery } from '../../../application/session/get-session.query';
import { LIVE_SESSION_STATUSES, ListSessionsQuery, type LiveSessionStatus, type SessionScope } from '../../../application/session/list-sessions.query';
import { SessionHistoryQuery, type SessionHistoryFilter } from '../../../application/session/session-history.query';
import type { Principal } from '../../../domain/shared/event';
import { ProblemDto } from '../account.dto';
import { csvSafe } from '../audit/audit-csv';
import type { HttpResponse } from '../http-types';
import { AuthGuard } from '../principal/auth.guard';
import { CurrentUser, type UserCaller } from '../principal/caller';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';

type QueryParams = Record<string, unknown>;

/** A query parameter given at most once; unknown parameters are refused, so that a typo is not a silent "no filter". */
function params(query: QueryParams, known: readonly string[]): (name: string) => string | undefined {
  const unknown = Object.keys(query).filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new HttpProblem('VALIDATION_FAILED', `Unknown query parameter ${unknown.join(', ')}`, 400);
  return (name) => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new HttpProblem('VALIDATION_FAILED', `${name} must be given once`, 400);
    return value;
  };
}

function consistency(minPosition: string | undefined): Consistency {
  if (minPosition === undefined) return {};
  if (!isPosition(minPosition)) throw new HttpProblem('VALIDATION_FAILED', 'minPosition must be a position as returned by a command', 400);
  return { minPosition };
}

const FILTERS = ['computerId', 'from', 'to', 'technicianId', 'source'] as const;
/** What the history and its CSV read from the query string. */
const HISTORY_PARAMS = [...FILTERS, 'minPosition'];

/** The filters given; the query checks their values. */
function filterOf(text: (name: string) => string | undefined): SessionHistoryFilter {
  return Object.fromEntries(FILTERS.flatMap((name) => (text(name) === undefined ? [] : [[name, text(name)]]))) as SessionHistoryFilter;
}

export const SESSION_CSV_HEADER = [
  'session',
  'opened at',
  'started at',
  'ended at',
  'duration (s)',
  'status',
  'source',
  'computer',
  'computer id',
  'owner',
  'technicians',
  'end users',
  'ticket',
  'end reason',
  'command lines',
  'recording chunks',
] as const;

/** One CSV row of a session: times in ISO-8601, the duration in seconds, every cell guarded against formulas. */
export function sessionCsvRow(row: SessionRow): string[] {
  return [
    row.id,
    row.openedAt,
    row.startedAt ?? '',
    row.endedAt ?? '',
    row.durationSeconds === null ? '' : String(row.durationSeconds),
    row.status,
    row.source,
    row.computerName ?? '',
    row.computerId ?? '',
    row.ownerName,
    row.technicians.map((t) => t.displayName).join('; '),
    row.endUsers.map((u) => u.name).join('; '),
    row.ticket ?? '',
    row.endReason ?? '',
    String(row.commandLineCount),
    String(row.recordingChunks),
  ].map(csvSafe);
}

/** Every page of a filtered history, the next one asked for only when the previous one is consumed. */
export async function* historyPages(first: SessionHistoryPage, next: (after: string) => Promise<SessionHistoryPage>): AsyncGenerator<readonly SessionRow[]> {
  let page = first;
  for (;;) {
    if (page.items.length > 0) yield page.items;
    if (!page.next) return;
    page = await next(page.next);
  }
}

async function* csvRows(pages: AsyncIterable<readonly SessionRow[]>): AsyncGenerator<readonly string[]> {
  yield SESSION_CSV_HEADER;
  for await (const rows of pages) {
    for (const row of rows) yield sessionCsvRow(row);
  }
}

/**
 * Writes the pages as CSV into `destination` with back-pressure (a slow reader slows the reading of
 * the history, never grows a buffer); rejects, destroying `destination`, when the reader goes away.
 */
export function writeSessionCsv(pages: AsyncIterable<readonly SessionRow[]>, destination: Writable): Promise<void> {
  // A BOM so that spreadsheets read the file as UTF-8 (names are not all ASCII).
  return pipeline(Readable.from(csvRows(pages)), stringify({ bom: true }), destination);
}

/**
 * The sessions a signed-in user may see: the available connections and active sessions (`scope=all`
 * for the account's owners and admins), the history with its filters and CSV export, one session.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Sign in first', type: ProblemDto })
@UseGuards(AuthGuard)
@Controller('api/sessions')
export class SessionHistoryController {
  private readonly logger = new Logger('sessions');

  constructor(
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiQuery({ name: 'scope', required: false, enum: ['mine', 'all'], description: 'mine (default): sessions I opened or joined; all: owners and admins' })
  @ApiQuery({ name: 'status', required: false, description: 'waiting, active, or both comma-separated (default)' })
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ description: 'SessionListResponse (application/contracts/session-history.contracts.ts)' })
  @ApiResponse({ status: 403, description: 'FORBIDDEN: scope=all for a technician', type: ProblemDto })
  list(@CurrentUser() caller: UserCaller, @Query() query: QueryParams): Promise<SessionListResponse> {
    const text = params(query, ['scope', 'status', 'minPosition']);
    const scope = (text('scope') ?? 'mine') as SessionScope;
    const statuses = (text('status')?.split(',') ?? LIVE_SESSION_STATUSES) as LiveSessionStatus[];
    return this.queries.execute(new ListSessionsQuery(caller.principal, scope, statuses, consistency(text('minPosition'))));
  }

  @Get('history')
  @Header('Cache-Control', 'no-store')
  @ApiQuery({ name: 'computerId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'Opened at or after (ISO-8601 date or date-time with offset)' })
  @ApiQuery({ name: 'to', required: false, description: 'Opened before' })
  @ApiQuery({ name: 'technicianId', required: false })
  @ApiQuery({ name: 'source', required: false, enum: ['console', 'link', 'connection-id', 'permalink', 'mobile'] })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${SESSION_HISTORY_PAGE_MAX} (50)` })
  @ApiQuery({ name: 'after', required: false, description: 'next of the previous page' })
  @ApiOkResponse({ description: 'SessionHistoryPage, newest first' })
  @ApiResponse({ status: 400, description: 'INVALID_FILTER, INVALID_PERIOD, INVALID_CURSOR, INVALID_LIMIT, VALIDATION_FAILED', type: ProblemDto })
  history(@CurrentUser() caller: UserCaller, @Query() query: QueryParams): Promise<SessionHistoryPage> {
    const text = params(query, [...HISTORY_PARAMS, 'limit', 'after']);
    const limit = text('limit');
    if (limit !== undefined && !/^[0-9]{1,4}$/.test(limit)) throw new HttpProblem('VALIDATION_FAILED', 'limit must be a whole number', 400);
    const after = text('after');
    const page = { ...(limit !== undefined ? { limit: Number(limit) } : {}), ...(after !== undefined ? { after } : {}) };
    return this.page(caller.principal, filterOf(text), page, consistency(text('minPosition')));
  }

  @Get('history.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The filtered history, newest first, as CSV, streamed (times ISO-8601, duration in seconds)' })
  async csv(@CurrentUser() caller: UserCaller, @Query() query: QueryParams, @Res() res: HttpResponse): Promise<void> {
    const text = params(query, HISTORY_PARAMS);
    const filter = filterOf(text);
    // The first page is read before answering, so that a refused or invalid request is still a problem answer.
    const first = await this.page(caller.principal, filter, { limit: SESSION_HISTORY_PAGE_MAX }, consistency(text('minPosition')));
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="sessions-${this.clock.now().slice(0, 10)}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const next = (after: string) => this.page(caller.principal, filter, { after, limit: SESSION_HISTORY_PAGE_MAX }, {});
    try {
      await writeSessionCsv(historyPages(first, next), res);
    } catch (error) {
      // The status line is gone: the cut connection is the only signal left to the client.
      this.logger.warn({ err: error, tenantId: caller.principal.tenantId }, 'session CSV export stopped');
    }
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ description: 'SessionDetailsView: the row and the command lines typed in its prompts' })
  @ApiResponse({ status: 403, description: 'SESSION_FORBIDDEN (recorded)', type: ProblemDto })
  @ApiResponse({ status: 404, description: 'SESSION_NOT_FOUND', type: ProblemDto })
  get(@Param('id') id: string, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta, @Query() query: QueryParams): Promise<SessionDetailsView> {
    const text = params(query, ['minPosition']);
    return this.queries.execute(new GetSessionQuery(caller.principal, id, meta, consistency(text('minPosition'))));
  }

  private page(principal: Principal, filter: SessionHistoryFilter, page: { after?: string; limit?: number }, wait: Consistency): Promise<SessionHistoryPage> {
    return this.queries.execute<SessionHistoryQuery, SessionHistoryPage>(new SessionHistoryQuery(principal, filter, page, wait));
  }
}
