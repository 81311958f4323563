import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query, Res, UseGuards, applyDecorators } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CloseAccountCommand, RegisterAccountCommand, RenameAccountCommand } from '../../application/account/account.commands';
import { GetAccountQuery } from '../../application/account/account.queries';
import type { CommandMeta, CommandResult } from '../../application/handle-command';
import { isPosition } from '../../application/ports/position';
import { ID_GENERATOR, type IdGenerator } from '../../application/ports/clock.port';
import type { AccountView } from '../../read-models/account-list/account-list.view';
import { AccountViewDto, CommandAcceptedDto, ProblemDto, RegisterAccountDto, RenameAccountDto } from './account.dto';
import { CommandSender } from './command-sender';
import type { HttpResponse } from './http-types';
import { operatorIn } from './operator-auth.guard';
import { AuthGuard } from './principal/auth.guard';
import { OperatorOnly } from './principal/auth-route.decorators';
import { CurrentCaller, type Caller } from './principal/caller';
import { TenantAccess } from './principal/tenant-access';
import { HttpProblem } from './problem-details';
import { RequestMeta } from './request-context';

const IF_MATCH = /^\s*(?:W\/)?"?(0|[1-9][0-9]{0,15})"?\s*$/;

/** Parses `If-Match: "<revision>"`; `*` or no header pins nothing. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = IF_MATCH.exec(header);
  if (!match) throw new HttpProblem('VALIDATION_FAILED', 'If-Match must be a quoted stream revision, like "3"', 400);
  return Number(match[1]);
}

const etag = (revision: number): string => `"${revision}"`;

function accepted(res: HttpResponse, id: string, result: CommandResult): CommandAcceptedDto {
  res.setHeader('ETag', etag(result.revision));
  return { id, revision: result.revision, position: result.position };
}

const ApiCommonProblems = () =>
  applyDecorators(
    ApiResponse({ status: 400, description: 'Invalid body, parameter or header', type: ProblemDto }),
    ApiResponse({ status: 401, description: 'Missing, expired or revoked bearer token', type: ProblemDto }),
    ApiResponse({ status: 403, description: 'Another tenant’s account (ACCOUNT_FORBIDDEN, recorded), or a role that may not do this', type: ProblemDto }),
    ApiResponse({ status: 413, description: 'Body larger than 100 kB', type: ProblemDto }),
  );

@ApiTags('accounts')
@ApiBearerAuth()
@ApiCommonProblems()
@UseGuards(AuthGuard)
@Controller('api/accounts')
export class AccountsController {
  constructor(
    private readonly commands: CommandSender,
    private readonly queries: QueryBus,
    private readonly tenants: TenantAccess,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  /** Opening a tenant by hand is the operator's; people register through POST /api/auth/register. */
  @Post()
  @OperatorOnly()
  @HttpCode(201)
  @ApiBody({ type: RegisterAccountDto })
  @ApiCreatedResponse({ type: CommandAcceptedDto, description: 'Registered; ETag carries the revision' })
  async register(@Body() body: RegisterAccountDto, @RequestMeta() meta: CommandMeta, @Res({ passthrough: true }) res: HttpResponse) {
    const id = this.ids.newId();
    const result = await this.commands.send(new RegisterAccountCommand(operatorIn(id), { accountId: id, name: body.name, kind: body.kind }, meta));
    res.setHeader('Location', `/api/accounts/${encodeURIComponent(id)}`);
    return accepted(res, id, result);
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false, description: 'Wait (bounded) until the read model includes this position' })
  @ApiOkResponse({ type: AccountViewDto })
  @ApiResponse({ status: 404, type: ProblemDto })
  @ApiResponse({ status: 503, description: 'The read model did not reach minPosition in time (Retry-After)', type: ProblemDto })
  async get(
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
    @RequestMeta() meta: CommandMeta,
    @Query('minPosition') minPosition?: string,
  ): Promise<AccountViewDto> {
    if (minPosition !== undefined && !isPosition(minPosition)) {
      throw new HttpProblem('VALIDATION_FAILED', 'minPosition must be a position as returned by a command', 400);
    }
    const principal = await this.tenants.principalIn(caller, id, 'account', meta);
    const view = await this.queries.execute<GetAccountQuery, AccountView | null>(
      new GetAccountQuery(principal, id, minPosition ? { minPosition } : {}),
    );
    if (!view) throw new HttpProblem('ACCOUNT_NOT_FOUND', 'No such account', 404);
    const { _pos: _ignored, ...rest } = view;
    return rest;
  }

  @Patch(':id')
  @ApiBody({ type: RenameAccountDto })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision last seen, as "3"; stale → 412' })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiResponse({ status: 404, type: ProblemDto })
  @ApiResponse({ status: 409, description: 'The account is closed', type: ProblemDto })
  @ApiResponse({ status: 412, description: 'If-Match is stale', type: ProblemDto })
  async rename(
    @Param('id') id: string,
    @Body() body: RenameAccountDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentCaller() caller: Caller,
    @RequestMeta() meta: CommandMeta,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<CommandAcceptedDto> {
    const pinned = parseIfMatch(ifMatch);
    const principal = await this.tenants.principalIn(caller, id, 'account', meta);
    const command = new RenameAccountCommand(principal, { accountId: id, name: body.name }, withIfMatch(meta, pinned));
    return accepted(res, id, await this.commands.send(command));
  }

  @Delete(':id')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision last seen, as "3"; stale → 412' })
  @ApiOkResponse({ type: CommandAcceptedDto, description: 'Closed' })
  @ApiResponse({ status: 412, description: 'If-Match is stale', type: ProblemDto })
  async close(
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentCaller() caller: Caller,
    @RequestMeta() meta: CommandMeta,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<CommandAcceptedDto> {
    const pinned = parseIfMatch(ifMatch);
    const principal = await this.tenants.principalIn(caller, id, 'account', meta);
    const command = new CloseAccountCommand(principal, { accountId: id }, withIfMatch(meta, pinned));
    return accepted(res, id, await this.commands.send(command));
  }
}

const withIfMatch = (meta: CommandMeta, ifMatch: number | undefined): CommandMeta => (ifMatch === undefined ? meta : { ...meta, ifMatch });
