import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AddComputerGroupCommand,
  DeleteComputerGroupCommand,
  MoveComputerGroupCommand,
  RenameComputerGroupCommand,
  type AddComputerGroupResult,
} from '../../../application/computer/computer-groups.commands';
import { ListComputerGroupsQuery } from '../../../application/computer/list-computer-groups.query';
import type { ComputerGroupsView } from '../../../application/contracts/computers.contracts';
import type { CommandMeta, CommandResult } from '../../../application/handle-command';
import { isPosition } from '../../../application/ports/position';
import { CommandAcceptedDto, ProblemDto } from '../account.dto';
import { CommandSender } from '../command-sender';
import type { HttpResponse } from '../http-types';
import { AuthGuard } from '../principal/auth.guard';
import { CurrentUser, type UserCaller } from '../principal/caller';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';
import { AddGroupDto, MoveGroupDto, RenameGroupDto } from './computers.dto';

const ID = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

const groupIdParam = (id: string): string => {
  if (!ID.test(id)) throw new HttpProblem('COMPUTER_GROUP_NOT_FOUND', 'No such group', 404);
  return id;
};

const accepted = (res: HttpResponse, id: string, result: CommandResult): CommandAcceptedDto => {
  res.setHeader('ETag', `"${result.revision}"`);
  return { id, revision: result.revision, position: result.position };
};

/** The account's nested computer groups: the sidebar's tree, and adding, renaming, moving and deleting groups. */
@ApiTags('computers')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Sign in first', type: ProblemDto })
@ApiResponse({ status: 404, description: 'COMPUTER_GROUP_NOT_FOUND', type: ProblemDto })
@ApiResponse({ status: 422, description: 'COMPUTER_GROUP_* (name, cycle, depth)', type: ProblemDto })
@UseGuards(AuthGuard)
@Controller('api/computer-groups')
export class ComputerGroupsController {
  constructor(
    private readonly commands: CommandSender,
    private readonly bus: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'ComputerGroupsView: depth-first, siblings by name' })
  async tree(@CurrentUser() caller: UserCaller, @Query('minPosition') minPosition?: string): Promise<ComputerGroupsView> {
    if (minPosition !== undefined && !isPosition(minPosition)) throw new HttpProblem('VALIDATION_FAILED', 'minPosition must be a position', 400);
    return this.queries.execute<ListComputerGroupsQuery, ComputerGroupsView>(new ListComputerGroupsQuery(caller.principal, minPosition ? { minPosition } : {}));
  }

  @Post()
  @HttpCode(201)
  @ApiBody({ type: AddGroupDto })
  @ApiOkResponse({ type: CommandAcceptedDto, description: 'The new group’s id' })
  async add(@Body() body: AddGroupDto, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta, @Res({ passthrough: true }) res: HttpResponse) {
    const result = await this.bus.execute<AddComputerGroupCommand, AddComputerGroupResult>(
      new AddComputerGroupCommand(caller.principal, { name: body.name, parentId: body.parentId ?? null }, meta),
    );
    return accepted(res, result.groupId, result);
  }

  @Patch(':id')
  @ApiBody({ type: RenameGroupDto })
  @ApiOkResponse({ type: CommandAcceptedDto })
  async rename(@Param('id') id: string, @Body() body: RenameGroupDto, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta, @Res({ passthrough: true }) res: HttpResponse) {
    const groupId = groupIdParam(id);
    return accepted(res, groupId, await this.commands.send(new RenameComputerGroupCommand(caller.principal, { groupId, name: body.name }, meta)));
  }

  /** Under another group, or to the top (`parentId: null`); a move under its own subtree is refused. */
  @Put(':id/parent')
  @ApiBody({ type: MoveGroupDto })
  @ApiOkResponse({ type: CommandAcceptedDto })
  async move(@Param('id') id: string, @Body() body: MoveGroupDto, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta, @Res({ passthrough: true }) res: HttpResponse) {
    const groupId = groupIdParam(id);
    return accepted(res, groupId, await this.commands.send(new MoveComputerGroupCommand(caller.principal, { groupId, parentId: body.parentId }, meta)));
  }

  @Delete(':id')
  @ApiOkResponse({ type: CommandAcceptedDto })
  async remove(@Param('id') id: string, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta, @Res({ passthrough: true }) res: HttpResponse) {
    const groupId = groupIdParam(id);
    return accepted(res, groupId, await this.commands.send(new DeleteComputerGroupCommand(caller.principal, { groupId }, meta)));
  }
}
