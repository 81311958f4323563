import { Body, Controller, Delete, Get, Inject, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AGENT_CLOSE } from '../../../application/contracts/agent.protocol';
import { FavouriteComputerCommand, UnfavouriteComputerCommand } from '../../../application/computer/favourite-computer.command';
import { MoveComputerToGroupCommand } from '../../../application/computer/move-computer-to-group.command';
import { RemoveComputerCommand } from '../../../application/computer/remove-computer.command';
import { RenameComputerCommand } from '../../../application/computer/rename-computer.command';
import { SetAgentConfigPolicyCommand } from '../../../application/computer/set-agent-config-policy.command';
import { SetComputerVisibilityCommand } from '../../../application/computer/set-computer-visibility.command';
import { ShareComputerCommand, UnshareComputerCommand } from '../../../application/computer/share-computer.command';
import type { CommandMeta, CommandResult } from '../../../application/handle-command';
import { screenshotKey } from '../../../application/ports/blob-store.port';
import type { ComputerEvent } from '../../../domain/computer/computer.events';
import type { AgentLinkInfrastructure } from '../../ws/agent-link.infrastructure';
import { AGENT_LINK } from '../../ws/agent-link.tokens';
import { CommandAcceptedDto, ProblemDto } from '../account.dto';
import { CommandSender } from '../command-sender';
import type { HttpResponse } from '../http-types';
import { AuthGuard } from '../principal/auth.guard';
import { CurrentUser, type UserCaller } from '../principal/caller';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';
import type { Consistency } from '../../../application/account/account.queries';
import type { ComputerDetailsRow, ComputerListResponse } from '../../../application/contracts/computers-live.contracts';
import type { ListComputersOptions } from '../../../application/contracts/computers.contracts';
import { isPosition } from '../../../application/ports/position';
import { ComputerOverlay } from './computer-overlay';
import { ComputerSettingsDto, MoveComputerDto, RenameComputerDto, SetVisibilityDto, ShareComputerDto } from './computers.dto';

const ID = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

/** A path id that cannot name a stream is no computer of anyone's. */
export function computerIdParam(id: string): string {
  if (!ID.test(id)) throw new HttpProblem('COMPUTER_NOT_FOUND', 'No such computer', 404);
  return id;
}

function consistency(minPosition: string | undefined): Consistency {
  if (minPosition === undefined) return {};
  if (!isPosition(minPosition)) throw new HttpProblem('VALIDATION_FAILED', 'minPosition must be a position as returned by a command', 400);
  return { minPosition };
}

function accepted(res: HttpResponse, id: string, result: CommandResult): CommandAcceptedDto {
  res.setHeader('ETag', `"${result.revision}"`);
  return { id, revision: result.revision, position: result.position };
}

/**
 * The console's computers: management commands (the deciders say who may do what; a refusal is a
 * clear 4xx and changes nothing), the screenshot, and what the agent must hear (a rename, a removal).
 * Signed-in users act in their own account.
 */
@ApiTags('computers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Sign in first', type: ProblemDto })
@ApiResponse({ status: 403, description: 'COMPUTER_FORBIDDEN, COMPUTER_VISIBILITY_OWNER_ONLY', type: ProblemDto })
@ApiResponse({ status: 404, description: 'COMPUTER_NOT_FOUND (also for another account’s computer)', type: ProblemDto })
@UseGuards(AuthGuard)
@Controller('api/computers')
export class ComputersController {
  constructor(
    private readonly commands: CommandSender,
    private readonly views: ComputerOverlay,
    @Inject(AGENT_LINK) private readonly link: AgentLinkInfrastructure,
  ) {}

  /** The computers the caller may see, one page at a time (range pagination), favourites first; the demo computer beside them. */
  @Get()
  @ApiQuery({ name: 'sort', required: false, enum: ['name', 'lastConnectedAt', 'addedAt'] })
  @ApiQuery({ name: 'direction', required: false, enum: ['asc', 'desc'] })
  @ApiQuery({ name: 'groupBy', required: false, enum: ['none', 'letter', 'status', 'last-use', 'group'] })
  @ApiQuery({ name: 'search', required: false, description: 'Name, group, IP or city; case and accents ignored' })
  @ApiQuery({ name: 'groupId', required: false, description: "A group and its subgroups; '' for computers in no group" })
  @ApiQuery({ name: 'status', required: false, enum: ['online', 'limited', 'not-installed', 'offline', 'disabled'] })
  @ApiQuery({ name: 'limit', required: false, description: 'Page size, 1 to 200 (50)' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'minPosition', required: false, description: 'Wait (bounded) until the read model includes this position' })
  @ApiOkResponse({ description: 'ComputerListResponse (application/contracts/computers-live.contracts.ts)' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED, INVALID_CURSOR', type: ProblemDto })
  async list(@CurrentUser() caller: UserCaller, @Query() query: Record<string, unknown>): Promise<ComputerListResponse> {
    const text = (name: string): string | undefined => {
      const value = query[name];
      if (value === undefined) return undefined;
      if (typeof value !== 'string') throw new HttpProblem('VALIDATION_FAILED', `${name} must be given once`, 400);
      return value;
    };
    const known = new Set(['sort', 'direction', 'groupBy', 'search', 'groupId', 'status', 'limit', 'cursor', 'minPosition']);
    const unknown = Object.keys(query).filter((name) => !known.has(name));
    if (unknown.length > 0) throw new HttpProblem('VALIDATION_FAILED', `Unknown query parameter ${unknown.join(', ')}`, 400);
    const limit = text('limit');
    if (limit !== undefined && !/^[0-9]{1,4}$/.test(limit)) throw new HttpProblem('VALIDATION_FAILED', 'limit must be a whole number', 400);
    const options: ListComputersOptions = {
      ...(text('sort') !== undefined ? { sort: text('sort') as ListComputersOptions['sort'] } : {}),
      ...(text('direction') !== undefined ? { direction: text('direction') as ListComputersOptions['direction'] } : {}),
      ...(text('groupBy') !== undefined ? { groupBy: text('groupBy') as ListComputersOptions['groupBy'] } : {}),
      ...(text('search') !== undefined ? { search: text('search') } : {}),
      ...(text('groupId') !== undefined ? { groupId: text('groupId') } : {}),
      ...(text('status') !== undefined ? { status: text('status') as ListComputersOptions['status'] } : {}),
      ...(limit !== undefined ? { limit: Number(limit) } : {}),
      ...(text('cursor') !== undefined ? { cursor: text('cursor') } : {}),
    };
    return this.views.list(caller.principal, options, consistency(text('minPosition')));
  }

  @Get(':id')
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ description: 'ComputerDetailsRow (application/contracts/computers-live.contracts.ts)' })
  async get(@Param('id') id: string, @CurrentUser() caller: UserCaller, @Query('minPosition') minPosition?: string): Promise<ComputerDetailsRow> {
    return this.views.get(caller.principal, computerIdParam(id), consistency(minPosition));
  }

  /** Renames it; the agent, wherever its link is, hears the new name. */
  @Patch(':id')
  @ApiBody({ type: RenameComputerDto })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiResponse({ status: 422, description: 'COMPUTER_NAME_INVALID', type: ProblemDto })
  async rename(
    @Param('id') id: string,
    @Body() body: RenameComputerDto,
    @CurrentUser() caller: UserCaller,
    @RequestMeta() meta: CommandMeta,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<CommandAcceptedDto> {
    const computerId = this.writable(id);
    const result = await this.commands.send(new RenameComputerCommand(caller.principal, { computerId, name: body.name }, meta));
    const renamed = (result.events as readonly ComputerEvent[]).find((e) => e.type === 'ComputerRenamed');
    if (renamed?.type === 'ComputerRenamed') {
      await this.link.presence.publish({ type: 'to-agent', computerId, message: { type: 'rename', name: renamed.data.name } });
    }
    return accepted(res, computerId, result);
  }

  @Put(':id/group')
  @ApiBody({ type: MoveComputerDto })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiResponse({ status: 404, description: 'COMPUTER_GROUP_NOT_FOUND', type: ProblemDto })
  async move(
    @Param('id') id: string,
    @Body() body: MoveComputerDto,
    @CurrentUser() caller: UserCaller,
    @RequestMeta() meta: CommandMeta,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<CommandAcceptedDto> {
    const computerId = this.writable(id);
    return accepted(res, computerId, await this.commands.send(new MoveComputerToGroupCommand(caller.principal, { computerId, groupId: body.groupId }, meta)));
  }

  /** Favourites are the caller's own. */
  @Put(':id/favourite')
  @ApiOkResponse({ type: CommandAcceptedDto })
  async favourite(@Param('id') id: string, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta, @Res({ passthrough: true }) res: HttpResponse) {
    const computerId = this.writable(id);
    return accepted(res, computerId, await this.commands.send(new FavouriteComputerCommand(caller.principal, { computerId }, meta)));
  }

  @Delete(':id/favourite')
  @ApiOkResponse({ type: CommandAcceptedDto })
  async unfavourite(@Param('id') id: string, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta, @Res({ passthrough: true }) res: HttpResponse) {
    const computerId = this.writable(id);
    return accepted(res, computerId, await this.commands.send(new UnfavouriteComputerCommand(caller.principal, { computerId }, meta)));
  }

  /** Shares with a user of the account, by username (email) or id. */
  @Post(':id/shares')
  @ApiBody({ type: ShareComputerDto })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiResponse({ status: 404, description: 'USER_NOT_FOUND: no user of this account has that username', type: ProblemDto })
  @ApiResponse({ status: 422, description: 'COMPUTER_SHARE_INVALID', type: ProblemDto })
  async share(
    @Param('id') id: string,
    @Body() body: ShareComputerDto,
    @CurrentUser() caller: UserCaller,
    @RequestMeta() meta: CommandMeta,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<CommandAcceptedDto> {
    const computerId = this.writable(id);
    return accepted(res, computerId, await this.commands.send(new ShareComputerCommand(caller.principal, { computerId, user: body.user }, meta)));
  }

  @Delete(':id/shares/:user')
  @ApiOkResponse({ type: CommandAcceptedDto })
  async unshare(
    @Param('id') id: string,
    @Param('user') user: string,
    @CurrentUser() caller: UserCaller,
    @RequestMeta() meta: CommandMeta,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<CommandAcceptedDto> {
    const computerId = this.writable(id);
    return accepted(res, computerId, await this.commands.send(new UnshareComputerCommand(caller.principal, { computerId, user }, meta)));
  }

  /** Owner only: who else in the account sees it. */
  @Put(':id/visibility')
  @ApiBody({ type: SetVisibilityDto })
  @ApiOkResponse({ type: CommandAcceptedDto })
  async visibility(
    @Param('id') id: string,
    @Body() body: SetVisibilityDto,
    @CurrentUser() caller: UserCaller,
    @RequestMeta() meta: CommandMeta,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<CommandAcceptedDto> {
    const computerId = this.writable(id);
    return accepted(res, computerId, await this.commands.send(new SetComputerVisibilityCommand(caller.principal, { computerId, visibility: body.visibility }, meta)));
  }

  @Put(':id/settings')
  @ApiBody({ type: ComputerSettingsDto })
  @ApiOkResponse({ type: CommandAcceptedDto })
  @ApiResponse({ status: 422, description: 'COMPUTER_SETTING_UNSUPPORTED: not an installed Windows agent', type: ProblemDto })
  async settings(
    @Param('id') id: string,
    @Body() body: ComputerSettingsDto,
    @CurrentUser() caller: UserCaller,
    @RequestMeta() meta: CommandMeta,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<CommandAcceptedDto> {
    const computerId = this.writable(id);
    const command = new SetAgentConfigPolicyCommand(caller.principal, { computerId, allowWithoutAdmin: body.allowAgentConfigWithoutAdmin }, meta);
    return accepted(res, computerId, await this.commands.send(command));
  }

  /** Removes it: its key stops working, its link closes with 4401, its screenshot is deleted. */
  @Delete(':id')
  @ApiOkResponse({ type: CommandAcceptedDto })
  async remove(@Param('id') id: string, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta, @Res({ passthrough: true }) res: HttpResponse) {
    const computerId = this.writable(id);
    const result = await this.commands.send(new RemoveComputerCommand(caller.principal, { computerId }, meta));
    if (result.events.length > 0) {
      await this.link.presence.publish({ type: 'disconnect', computerId, code: AGENT_CLOSE.UNAUTHORIZED, reason: 'This computer was removed from its account: enroll again' });
      await this.link.presence.remove(computerId);
      await this.link.blobs.delete(caller.principal.tenantId, screenshotKey(computerId));
    }
    return accepted(res, computerId, result);
  }

  /** The latest screenshot, to whoever may see the computer. */
  @Get(':id/screenshot')
  @ApiResponse({ status: 200, description: 'image/png or image/jpeg; ETag and Last-Modified from the upload time' })
  @ApiResponse({ status: 404, description: 'COMPUTER_NOT_FOUND, SCREENSHOT_NOT_FOUND', type: ProblemDto })
  async screenshot(@Param('id') id: string, @CurrentUser() caller: UserCaller, @Res() res: HttpResponse): Promise<void> {
    const computerId = computerIdParam(id);
    const tenantId = await this.views.tenantOfVisible(caller.principal, computerId);
    const blob = await this.link.blobs.get(tenantId, screenshotKey(computerId));
    if (!blob) throw new HttpProblem('SCREENSHOT_NOT_FOUND', 'This computer has sent no screenshot yet', 404);
    res.setHeader('Content-Type', blob.info.contentType);
    res.setHeader('Content-Length', String(blob.data.length));
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('ETag', `"${Date.parse(blob.info.updatedAt)}"`);
    res.setHeader('Last-Modified', new Date(blob.info.updatedAt).toUTCString());
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.status(200).send(blob.data);
  }

  /** The demo computer is everybody's to look at and nobody's to change. */
  private writable(id: string): string {
    const computerId = computerIdParam(id);
    if (this.views.isDemo(computerId)) throw new HttpProblem('COMPUTER_FORBIDDEN', 'The demo computer cannot be changed', 403);
    return computerId;
  }
}
