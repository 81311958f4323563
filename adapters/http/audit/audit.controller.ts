import { Controller, Get, Header, Inject, Logger, Query, Res, UseGuards, applyDecorators } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../../domain/shared/event';
import {
  AUDIT_PAGE_MAX,
  ListAuditEntriesQuery,
  type AuditFilter,
  type AuditPage,
  type AuditPageRequest,
} from '../../../application/audit/list-audit-entries.query';
import type { Consistency } from '../../../application/account/account.queries';
import { CLOCK, type Clock } from '../../../application/ports/clock.port';
import { ProblemDto } from '../account.dto';
import type { HttpResponse } from '../http-types';
import { auditPages, writeAuditCsv } from './audit-csv';
import { OperatorCallerGuard, RequestPrincipal } from './audit-caller';
import { AuditFilterQueryDto, AuditPageDto, ListAuditQueryDto } from './audit.dto';

/**
 * Who may call the audit routes. When sign-in lands, this one line names its AuthGuard
 * (adapters/http/principal), which leaves the request in the shape `RequestPrincipal` reads.
 */
const AuditCallerGuard = OperatorCallerGuard;

const ApiAuditProblems = () =>
  applyDecorators(
    ApiResponse({ status: 400, description: 'Unknown parameter, bad date, cursor or limit', type: ProblemDto }),
    ApiResponse({ status: 401, description: 'Missing or wrong bearer token', type: ProblemDto }),
    ApiResponse({ status: 403, description: 'Only owners, admins and operators read the audit log', type: ProblemDto }),
    ApiResponse({ status: 503, description: 'The audit log did not reach minPosition in time (Retry-After)', type: ProblemDto }),
  );

function filterOf(query: AuditFilterQueryDto): AuditFilter {
  return {
    ...(query.actor !== undefined ? { actor: query.actor } : {}),
    ...(query.type !== undefined ? { types: query.type } : {}),
    ...(query.aggregate !== undefined ? { aggregate: query.aggregate } : {}),
    ...(query.from !== undefined ? { from: query.from } : {}),
    ...(query.to !== undefined ? { to: query.to } : {}),
  };
}

const consistencyOf = (query: AuditFilterQueryDto): Consistency => (query.minPosition ? { minPosition: query.minPosition } : {});

/** A file name part made of safe characters only (it lands in a header). */
const fileSafe = (text: string): string => text.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);

@ApiTags('audit')
@ApiBearerAuth()
@ApiAuditProblems()
@UseGuards(AuditCallerGuard)
@Controller('api')
export class AuditController {
  private readonly logger = new Logger('audit');

  constructor(
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('audit')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: AuditPageDto, description: 'Newest first; follow nextCursor with ?before= for older entries' })
  async list(@Query() query: ListAuditQueryDto, @RequestPrincipal() principal: Principal): Promise<AuditPageDto> {
    const page: AuditPageRequest = {
      ...(query.before !== undefined ? { before: query.before } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    };
    return this.page(principal, filterOf(query), page, consistencyOf(query));
  }

  @Get('audit.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The filtered log, newest first, as CSV (at, actor kind, actor id, type, aggregate, ip, summary), streamed' })
  async csv(@Query() query: AuditFilterQueryDto, @RequestPrincipal() principal: Principal, @Res() res: HttpResponse): Promise<void> {
    const filter = filterOf(query);
    // The first page is read before answering, so a refused or invalid request is still a problem answer.
    const first = await this.page(principal, filter, { limit: AUDIT_PAGE_MAX }, consistencyOf(query));
    const date = this.clock.now().slice(0, 10);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${fileSafe(principal.tenantId)}-${fileSafe(date)}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const next = (before: string) => this.page(principal, filter, { before, limit: AUDIT_PAGE_MAX }, {});
    try {
      await writeAuditCsv(auditPages(first, next), res);
    } catch (error) {
      // The status line is gone: the cut connection is the only signal left to the client.
      this.logger.warn({ err: error, tenantId: principal.tenantId }, 'audit CSV export stopped');
    }
  }

  private page(principal: Principal, filter: AuditFilter, page: AuditPageRequest, consistency: Consistency): Promise<AuditPage> {
    return this.queries.execute<ListAuditEntriesQuery, AuditPage>(new ListAuditEntriesQuery(principal, filter, page, consistency));
  }
}
