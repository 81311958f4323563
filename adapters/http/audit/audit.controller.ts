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
import type { CommandMeta } from '../../../application/handle-command';
import { CLOCK, type Clock } from '../../../application/ports/clock.port';
import { ProblemDto } from '../account.dto';
import type { HttpResponse } from '../http-types';
import { operatorIn } from '../operator-auth.guard';
import { AuthGuard } from '../principal/auth.guard';
import { CurrentCaller, type Caller } from '../principal/caller';
import { TenantAccess } from '../principal/tenant-access';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';
import { auditPages, writeAuditCsv } from './audit-csv';
import { AuditFilterQueryDto, AuditPageDto, ListAuditQueryDto } from './audit.dto';

const ApiAuditProblems = () =>
  applyDecorators(
    ApiResponse({ status: 400, description: 'Unknown parameter, bad date, cursor or limit', type: ProblemDto }),
    ApiResponse({ status: 401, description: 'Missing, expired or revoked bearer token', type: ProblemDto }),
    ApiResponse({
      status: 403,
      description: 'A technician (FORBIDDEN), or a user naming another account with ?tenant= (AUDIT_LOG_FORBIDDEN, recorded)',
      type: ProblemDto,
    }),
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
@UseGuards(AuthGuard)
@Controller('api')
export class AuditController {
  private readonly logger = new Logger('audit');

  constructor(
    private readonly queries: QueryBus,
    private readonly tenants: TenantAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('audit')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: AuditPageDto, description: 'Newest first; follow nextCursor with ?before= for older entries' })
  async list(@Query() query: ListAuditQueryDto, @CurrentCaller() caller: Caller, @RequestMeta() meta: CommandMeta): Promise<AuditPageDto> {
    const principal = await this.readerOf(caller, query.tenant, meta);
    const page: AuditPageRequest = {
      ...(query.before !== undefined ? { before: query.before } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    };
    return this.page(principal, filterOf(query), page, consistencyOf(query));
  }

  @Get('audit.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The filtered log, newest first, as CSV (at, actor kind, actor id, type, aggregate, ip, summary), streamed' })
  async csv(
    @Query() query: AuditFilterQueryDto,
    @CurrentCaller() caller: Caller,
    @RequestMeta() meta: CommandMeta,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const principal = await this.readerOf(caller, query.tenant, meta);
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

  /**
   * Whose log the request reads: a user reads their own account's (naming another one with ?tenant= is
   * refused and recorded); the operator names the account. The query then checks the role.
   */
  private async readerOf(caller: Caller, tenant: string | undefined, meta: CommandMeta): Promise<Principal> {
    if (caller.kind === 'user') return this.tenants.principalIn(caller, tenant ?? caller.principal.tenantId, 'audit log', meta);
    if (tenant === undefined) {
      throw new HttpProblem('VALIDATION_FAILED', 'The operator names the account to read with ?tenant=<account id>', 400, {
        errors: ['tenant: required for the operator, an account id'],
      });
    }
    return operatorIn(tenant);
  }

  private page(principal: Principal, filter: AuditFilter, page: AuditPageRequest, consistency: Consistency): Promise<AuditPage> {
    return this.queries.execute<ListAuditEntriesQuery, AuditPage>(new ListAuditEntriesQuery(principal, filter, page, consistency));
  }
}
