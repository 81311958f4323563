import { Body, Controller, Delete, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CreateSupportLinkCommand, type SupportLinkResult } from '../../../application/session/create-support-link.command';
import { EndSessionCommand } from '../../../application/session/end-session.command';
import { IssueConnectionCodeCommand, type ConnectionCodeResult } from '../../../application/session/issue-connection-code.command';
import { OpenComputerSessionCommand, type SessionOpenedResult } from '../../../application/session/open-computer-session.command';
import { SetSessionRecordingCommand } from '../../../application/session/set-session-recording.command';
import type { CommandMeta } from '../../../application/handle-command';
import { UserCommandSupport, isLive } from '../../../application/user/user-command-support';
import { ProblemDto } from '../account.dto';
import { CommandSender } from '../command-sender';
import { PublicLinks } from '../auth/public-links';
import { AuthGuard } from '../principal/auth.guard';
import { CurrentUser, type UserCaller } from '../principal/caller';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';
import { CreateSupportLinkDto, OpenSessionDto, SessionRecordingDto } from './sessions.dto';
import { SupportLinkMails } from './support-link-mails';

const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** A path id that cannot name a session is no session of anyone's. */
export function sessionIdParam(id: string): string {
  if (!SESSION_ID.test(id)) throw new HttpProblem('SESSION_NOT_FOUND', 'No such session', 404);
  return id;
}

/**
 * Starting and ending remote sessions from the console: one click on a computer, a support link, a
 * 6-digit connection ID; ending one; the account's recording setting. The deciders say who may.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Sign in first', type: ProblemDto })
@UseGuards(AuthGuard)
@Controller('api')
export class SessionsController {
  constructor(
    private readonly commands: CommandSender,
    private readonly links: PublicLinks,
    private readonly mails: SupportLinkMails,
    private readonly users: UserCommandSupport,
  ) {}

  /** One click: a waiting session on a computer the caller may see (the demo computer: anyone); it starts when the viewer connects. */
  @Post('sessions')
  @ApiResponse({ status: 403, description: 'SESSION_FORBIDDEN: the caller may not see this computer (recorded)', type: ProblemDto })
  @ApiResponse({ status: 404, description: 'COMPUTER_NOT_FOUND', type: ProblemDto })
  async open(@Body() body: OpenSessionDto, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta): Promise<{ sessionId: string }> {
    const result = (await this.commands.send(new OpenComputerSessionCommand(caller.principal, { computerId: body.computerId, mobile: body.mobile ?? false }, meta))) as SessionOpenedResult;
    return { sessionId: result.sessionId };
  }

  /** A personal support link: its full URL (ticket and name in the query), the short one on request, mailed on request. */
  @Post('sessions/links')
  @ApiResponse({ status: 502, description: 'MAIL_DELIVERY_FAILED: the link was made but could not be mailed', type: ProblemDto })
  async link(@Body() body: CreateSupportLinkDto, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta) {
    const data = { ticket: blankToNull(body.ticket), endUserName: blankToNull(body.endUserName) };
    const result = (await this.commands.send(new CreateSupportLinkCommand(caller.principal, data, meta))) as SupportLinkResult;
    const base = this.links.base();
    const query = new URLSearchParams({ ...(data.ticket ? { ticket: data.ticket } : {}), ...(data.endUserName ? { name: data.endUserName } : {}) }).toString();
    const url = `${base}/support/${result.token}${query ? `?${query}` : ''}`;
    const shortUrl = body.shorten ? `${base}/s/${result.token}` : null;
    if (body.email) await this.mail(caller, body.email, { technicianName: result.ownerName, url: shortUrl ?? url, ticket: data.ticket });
    return { sessionId: result.sessionId, url, shortUrl, expiresAt: result.expiresAt, emailed: body.email !== undefined };
  }

  /** A 6-digit connection ID for the end-user to type into the agent; single use, short-lived. */
  @Post('sessions/codes')
  async code(@Body() body: Record<string, unknown>, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta) {
    // Nothing to give: an empty class would not validate, so unknown fields are refused here.
    const unknown = Object.keys(body ?? {});
    if (unknown.length > 0) throw new HttpProblem('VALIDATION_FAILED', 'The request is invalid', 400, { errors: unknown.map((f) => `property ${f} should not exist`) });
    const result = (await this.commands.send(new IssueConnectionCodeCommand(caller.principal, {}, meta))) as ConnectionCodeResult;
    return { sessionId: result.sessionId, code: result.code, expiresAt: result.expiresAt };
  }

  /** Ends a session: reason technician for its owner or a technician in it, admin for an owner or admin otherwise. Ending again changes nothing. */
  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiResponse({ status: 403, description: 'SESSION_FORBIDDEN (recorded)', type: ProblemDto })
  @ApiResponse({ status: 404, description: 'SESSION_NOT_FOUND', type: ProblemDto })
  async end(@Param('id') id: string, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta): Promise<void> {
    await this.commands.send(new EndSessionCommand(caller.principal, { sessionId: sessionIdParam(id) }, meta));
  }

  /** The account's recording setting (owner or admin). */
  @Put('account/session-recording')
  @HttpCode(204)
  @ApiResponse({ status: 403, description: 'ACCOUNT_FORBIDDEN', type: ProblemDto })
  async recording(@Body() body: SessionRecordingDto, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta): Promise<void> {
    const { principal } = caller;
    await this.commands.send(new SetSessionRecordingCommand(principal, { accountId: principal.tenantId, enabled: body.enabled }, meta));
  }

  /** In the technician's console language (the end-user's is unknown). */
  private async mail(caller: UserCaller, to: string, params: { technicianName: string; url: string; ticket: string | null }): Promise<void> {
    const user = await this.users.loadUser(caller.principal.id);
    await this.mails.send(to, isLive(user) ? user.profile?.language : undefined, params);
  }
}

const blankToNull = (value: string | undefined): string | null => (value === undefined || value.trim() === '' ? null : value);
