import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AgentPlatform } from '../../../application/contracts/agent.protocol';
import {
  IssueAddComputerLinkCommand,
  IssueEnrollmentTokenCommand,
  ListEnrollmentTokensQuery,
  RevokeEnrollmentTokenCommand,
  type EnrollmentTokenView,
  type IssuedEnrollmentToken,
} from '../../../application/computer/enrollment-tokens.command';
import { parseEnrollmentToken } from '../../../application/computer/computer-tokens';
import type { CommandMeta } from '../../../application/handle-command';
import { CLOCK, type Clock } from '../../../application/ports/clock.port';
import { findPackage } from '../../system/package-info';
import type { AgentLinkInfrastructure } from '../../ws/agent-link.infrastructure';
import { AGENT_LINK } from '../../ws/agent-link.tokens';
import { ProblemDto } from '../account.dto';
import { CommandSender } from '../command-sender';
import type { HttpRequest, HttpResponse } from '../http-types';
import { requestOrigin } from '../agent/request-origin';
import { AuthGuard } from '../principal/auth.guard';
import { Public } from '../principal/auth-route.decorators';
import { CurrentUser, type UserCaller } from '../principal/caller';
import { PrincipalResolver } from '../principal/principal-resolver';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';
import { buildAgentPackage, DOWNLOAD_PLATFORMS, downloadFileName, type BakedEnrollment } from './agent-package';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Where the console's add-computer page opens a link (the page offers the per-OS downloads). */
export const addComputerPage = (origin: string, token: string): string => `${origin}/add-computer?link=${encodeURIComponent(token)}`;

/**
 * Adding computers: add-computer links (48 h, single use), auto-connect enrollment tokens, and the
 * agent downloads, with the enrollment baked in when asked. Declared before the computers
 * controller so that `/api/computers/downloads` is not taken for a computer id.
 */
@ApiTags('computers')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/computers')
export class ComputerEnrollmentController {
  constructor(
    private readonly commands: CommandSender,
    private readonly bus: CommandBus,
    private readonly queries: QueryBus,
    private readonly resolver: PrincipalResolver,
    @Inject(AGENT_LINK) private readonly link: AgentLinkInfrastructure,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A technician's link for someone else's computer: it works once, for 48 hours. */
  @Post('add-computer-link')
  @HttpCode(201)
  @ApiOkResponse({ description: '{ token, url, expiresAt, downloads: { linux, darwin, win32 } }: the token is shown once' })
  async addComputerLink(@CurrentUser() caller: UserCaller, @Req() req: HttpRequest, @RequestMeta() meta: CommandMeta) {
    const issued = await this.bus.execute<IssueAddComputerLinkCommand, IssuedEnrollmentToken>(new IssueAddComputerLinkCommand(caller.principal, meta));
    const origin = requestOrigin(req, this.link.publicUrl);
    return {
      token: issued.token,
      tokenHash: issued.tokenHash,
      url: addComputerPage(origin, issued.token),
      expiresAt: issued.expiresAt,
      downloads: Object.fromEntries(DOWNLOAD_PLATFORMS.map((os) => [os, `${origin}/api/computers/downloads/${os}?link=${encodeURIComponent(issued.token)}`])),
      position: issued.position,
    };
  }

  /** An auto-connect token: enrolls any number of computers until revoked. */
  @Post('enrollment-tokens')
  @HttpCode(201)
  @ApiOkResponse({ description: '{ token, tokenHash, kind, expiresAt: null, position }: the token is shown once' })
  async issueToken(@CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta): Promise<IssuedEnrollmentToken> {
    return this.bus.execute<IssueEnrollmentTokenCommand, IssuedEnrollmentToken>(new IssueEnrollmentTokenCommand(caller.principal, meta));
  }

  /** The caller's tokens and links (all of the account's for an admin), newest first; never the tokens themselves. */
  @Get('enrollment-tokens')
  async tokens(@CurrentUser() caller: UserCaller): Promise<EnrollmentTokenView[]> {
    return this.queries.execute<ListEnrollmentTokensQuery, EnrollmentTokenView[]>(new ListEnrollmentTokensQuery(caller.principal));
  }

  @Delete('enrollment-tokens/:tokenHash')
  @ApiResponse({ status: 404, description: 'ENROLLMENT_TOKEN_NOT_FOUND', type: ProblemDto })
  async revoke(@Param('tokenHash') tokenHash: string, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta) {
    if (!SHA256_HEX.test(tokenHash)) throw new HttpProblem('ENROLLMENT_TOKEN_NOT_FOUND', 'No such enrollment token', 404);
    const result = await this.commands.send(new RevokeEnrollmentTokenCommand(caller.principal, { tokenHash }, meta));
    return { id: tokenHash, revision: result.revision, position: result.position };
  }

  @Get('downloads')
  @Public()
  @ApiOkResponse({ description: 'The per-OS downloads: { os, file, url }[]' })
  downloads(@Req() req: HttpRequest) {
    const origin = requestOrigin(req, this.link.publicUrl);
    return DOWNLOAD_PLATFORMS.map((os) => ({ os, file: downloadFileName(os), url: `${origin}/api/computers/downloads/${os}` }));
  }

  /**
   * The agent for one OS. `autoConnect=1` (signed in) bakes a new auto-connect token into it;
   * `link=<token>` (anyone holding the link) bakes the add-computer link; neither gives the bare
   * agent, which enrolls with the account's username and password.
   */
  @Get('downloads/:os')
  @Public()
  @ApiQuery({ name: 'autoConnect', required: false, enum: ['0', '1'] })
  @ApiQuery({ name: 'link', required: false, description: 'The token of an add-computer link' })
  @ApiResponse({ status: 200, description: 'application/gzip: switchboard-agent-<os>.tar.gz' })
  @ApiResponse({ status: 503, description: 'AGENT_NOT_BUILT', type: ProblemDto })
  async download(
    @Param('os') os: string,
    @Query('autoConnect') autoConnect: string | undefined,
    @Query('link') link: string | undefined,
    @Req() req: HttpRequest,
    @RequestMeta() meta: CommandMeta,
    @Res() res: HttpResponse,
  ): Promise<void> {
    if (!DOWNLOAD_PLATFORMS.includes(os as AgentPlatform)) throw new HttpProblem('DOWNLOAD_NOT_FOUND', `No agent for ${JSON.stringify(os)}: linux, darwin or win32`, 404);
    if (autoConnect !== undefined && autoConnect !== '0' && autoConnect !== '1') throw new HttpProblem('VALIDATION_FAILED', 'autoConnect must be 0 or 1', 400);
    if (autoConnect === '1' && link !== undefined) throw new HttpProblem('VALIDATION_FAILED', 'Ask for autoConnect or a link, not both', 400);
    const origin = requestOrigin(req, this.link.publicUrl);
    let enrollment: BakedEnrollment | null = null;
    if (link !== undefined) {
      if (!parseEnrollmentToken(link)) throw new HttpProblem('ENROLLMENT_TOKEN_INVALID', 'This add-computer link is not valid', 401);
      enrollment = { serverUrl: origin, method: 'add-computer-link', token: link };
    } else if (autoConnect === '1') {
      const caller = await this.resolver.resolve(req.headers.authorization);
      if (!caller || caller.kind !== 'user') throw new HttpProblem('UNAUTHORIZED', 'Sign in to download an auto-connect agent', 401);
      if (caller.mustChangePassword) throw new HttpProblem('PASSWORD_CHANGE_REQUIRED', 'Choose a new password first (POST /api/me/password)', 403);
      const issued = await this.bus.execute<IssueEnrollmentTokenCommand, IssuedEnrollmentToken>(new IssueEnrollmentTokenCommand(caller.principal, meta));
      enrollment = { serverUrl: origin, method: 'enrollment-token', token: issued.token };
    }
    const root = findPackage()?.root;
    if (!root) throw new HttpProblem('AGENT_NOT_BUILT', 'The agent is not packaged with this server', 503);
    const archive = await buildAgentPackage(root, os as AgentPlatform, enrollment, Date.parse(this.clock.now()));
    res.setHeader('Content-Type', 'application/gzip');
    res.setHeader('Content-Disposition', `attachment; filename="${downloadFileName(os as AgentPlatform)}"`);
    // A baked token is a credential: no cache may keep it.
    res.setHeader('Cache-Control', enrollment ? 'no-store' : 'no-cache');
    res.status(200).send(archive);
  }
}
