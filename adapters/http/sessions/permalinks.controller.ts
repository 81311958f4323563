import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMeta } from '../../../application/handle-command';
import { ChangePermalinkCommand } from '../../../application/session/change-permalink.command';
import { CreatePermalinkCommand } from '../../../application/session/create-permalink.command';
import { GetPermalinkQuery, type PermalinkInfo } from '../../../application/session/get-permalink.query';
import { ListPermalinksQuery, type PermalinkItem } from '../../../application/session/list-permalinks.query';
import { OpenPermalinkCommand, type PermalinkOpened } from '../../../application/session/open-permalink.command';
import { RemovePermalinkCommand } from '../../../application/session/remove-permalink.command';
import { PERMALINK_PATH } from '../../../domain/session/permalink.decide';
import { ProblemDto } from '../account.dto';
import { CommandSender } from '../command-sender';
import { PublicLinks } from '../auth/public-links';
import type { HttpRequest } from '../http-types';
import { Public } from '../principal/auth-route.decorators';
import { AuthGuard } from '../principal/auth.guard';
import { CurrentUser, type UserCaller } from '../principal/caller';
import { PrincipalResolver } from '../principal/principal-resolver';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';
import { ChangePermalinkDto, CreatePermalinkDto, OpenPermalinkDto } from './sessions.dto';

const ACCOUNT_ID = /^[A-Za-z0-9_][A-Za-z0-9_:-]{0,127}$/;

/** Path parameters that cannot name a permalink name none. */
function permalinkParams(accountId: string, path: string): { accountId: string; path: string } {
  if (!ACCOUNT_ID.test(accountId) || !PERMALINK_PATH.test(path)) throw new HttpProblem('PERMALINK_NOT_FOUND', 'No such permalink', 404);
  return { accountId, path };
}

/**
 * Permalinks: readable paths of an account (`/p/<accountId>/<path>`) that open a session on one
 * computer, for embedding in other systems; optionally open to guests behind a password.
 */
@ApiTags('permalinks')
@ApiResponse({ status: 404, description: 'PERMALINK_NOT_FOUND, COMPUTER_NOT_FOUND', type: ProblemDto })
@UseGuards(AuthGuard)
@Controller('api')
export class PermalinksController {
  constructor(
    private readonly commands: CommandSender,
    private readonly queries: QueryBus,
    private readonly links: PublicLinks,
    private readonly resolver: PrincipalResolver,
  ) {}

  @Post('permalinks')
  @ApiBearerAuth()
  @ApiResponse({ status: 409, description: 'PERMALINK_TAKEN', type: ProblemDto })
  @ApiResponse({ status: 422, description: 'PERMALINK_PASSWORD_REQUIRED: a public permalink needs a password', type: ProblemDto })
  async create(@Body() body: CreatePermalinkDto, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta): Promise<{ path: string; url: string }> {
    const data = { path: body.path, computerId: body.computerId, public: body.public, password: body.password ?? null };
    await this.commands.send(new CreatePermalinkCommand(caller.principal, data, meta));
    return { path: body.path, url: this.url(caller.principal.tenantId, body.path) };
  }

  /** The account's permalinks with their URLs (never a password, only whether one is set). */
  @Get('permalinks')
  @ApiBearerAuth()
  async list(@CurrentUser() caller: UserCaller): Promise<{ items: (PermalinkItem & { url: string })[] }> {
    const items = await this.queries.execute<ListPermalinksQuery, PermalinkItem[]>(new ListPermalinksQuery(caller.principal));
    return { items: items.map((item) => ({ ...item, url: this.url(caller.principal.tenantId, item.path) })) };
  }

  @Patch('permalinks/:path')
  @ApiBearerAuth()
  @HttpCode(204)
  async change(@Param('path') path: string, @Body() body: ChangePermalinkDto, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta): Promise<void> {
    permalinkParams(caller.principal.tenantId, path);
    await this.commands.send(new ChangePermalinkCommand(caller.principal, { path, ...body }, meta));
  }

  @Delete('permalinks/:path')
  @ApiBearerAuth()
  @HttpCode(204)
  async remove(@Param('path') path: string, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta): Promise<void> {
    permalinkParams(caller.principal.tenantId, path);
    await this.commands.send(new RemovePermalinkCommand(caller.principal, { path }, meta));
  }

  /** What the permalink page shows before opening. */
  @Public()
  @Get('p/:accountId/:path')
  info(@Param('accountId') accountId: string, @Param('path') path: string): Promise<PermalinkInfo> {
    const params = permalinkParams(accountId, path);
    return this.queries.execute(new GetPermalinkQuery(params.accountId, params.path));
  }

  /** Opens a session: a signed-in user of the account with their token, anyone else with the password of a public permalink. */
  @Public()
  @Post('p/:accountId/:path/open')
  @ApiResponse({ status: 401, description: 'PERMALINK_PASSWORD_WRONG (recorded)', type: ProblemDto })
  @ApiResponse({ status: 403, description: 'PERMALINK_FORBIDDEN: not public and not signed in (recorded)', type: ProblemDto })
  @ApiResponse({ status: 429, description: 'TOO_MANY_ATTEMPTS with Retry-After (recorded)', type: ProblemDto })
  async open(
    @Param('accountId') accountId: string,
    @Param('path') path: string,
    @Body() body: OpenPermalinkDto,
    @Req() req: HttpRequest,
    @RequestMeta() meta: CommandMeta,
  ): Promise<PermalinkOpened> {
    const params = permalinkParams(accountId, path);
    const caller = await this.resolver.resolve(req.headers.authorization);
    const principal = caller?.kind === 'user' && !caller.mustChangePassword ? caller.principal : null;
    const data = { ...params, password: body.password ?? null, ip: req.ip ?? null };
    return (await this.commands.send(new OpenPermalinkCommand(principal, data, meta))) as unknown as PermalinkOpened;
  }

  private url(accountId: string, path: string): string {
    return `${this.links.base()}/p/${encodeURIComponent(accountId)}/${path}`;
  }
}
