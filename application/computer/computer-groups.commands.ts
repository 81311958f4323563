import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AddComputerGroup, DeleteComputerGroup, MoveComputerGroup, RenameComputerGroup } from '../../domain/computer-groups/computer-groups.commands';
import { COMPUTER_LIST } from '../../read-models/computer-list/computer-list.projection';
import type { ComputerDoc } from '../../read-models/computer-list/computer-list.view';
import type { CommandResult } from '../handle-command';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { ComputerCommandMessage, ComputerCommandSupport } from './computer-command-support';

/** Every group command acts on the caller's own account's tree. */
export class AddComputerGroupCommand extends ComputerCommandMessage<{ name: string; parentId: string | null }> {
  readonly type = 'AddComputerGroup';
}
export class RenameComputerGroupCommand extends ComputerCommandMessage<{ groupId: string; name: string }> {
  readonly type = 'RenameComputerGroup';
}
export class MoveComputerGroupCommand extends ComputerCommandMessage<{ groupId: string; parentId: string | null }> {
  readonly type = 'MoveComputerGroup';
}
export class DeleteComputerGroupCommand extends ComputerCommandMessage<{ groupId: string }> {
  readonly type = 'DeleteComputerGroup';
}

export interface AddComputerGroupResult extends CommandResult {
  readonly groupId: string;
}

@CommandHandler(AddComputerGroupCommand)
export class AddComputerGroupHandler implements ICommandHandler<AddComputerGroupCommand, AddComputerGroupResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  async execute({ principal, data, meta }: AddComputerGroupCommand): Promise<AddComputerGroupResult> {
    const groupId = this.computers.ids.newId();
    const accountId = principal.tenantId;
    const result = await this.computers.runGroups<AddComputerGroup>(
      accountId,
      { type: 'AddComputerGroup', data: { accountId, groupId, name: data.name, parentId: data.parentId ?? null } },
      principal,
      meta,
    );
    return { ...result, groupId };
  }
}

@CommandHandler(RenameComputerGroupCommand)
export class RenameComputerGroupHandler implements ICommandHandler<RenameComputerGroupCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: RenameComputerGroupCommand): Promise<CommandResult> {
    const accountId = principal.tenantId;
    return this.computers.runGroups<RenameComputerGroup>(accountId, { type: 'RenameComputerGroup', data: { accountId, ...data } }, principal, meta);
  }
}

@CommandHandler(MoveComputerGroupCommand)
export class MoveComputerGroupHandler implements ICommandHandler<MoveComputerGroupCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: MoveComputerGroupCommand): Promise<CommandResult> {
    const accountId = principal.tenantId;
    return this.computers.runGroups<MoveComputerGroup>(
      accountId,
      { type: 'MoveComputerGroup', data: { accountId, groupId: data.groupId, parentId: data.parentId ?? null } },
      principal,
      meta,
    );
  }
}

/** Refused while the group holds subgroups or computers (COMPUTER_GROUP_NOT_EMPTY); the computer list counts them. */
@CommandHandler(DeleteComputerGroupCommand)
export class DeleteComputerGroupHandler implements ICommandHandler<DeleteComputerGroupCommand, CommandResult> {
  constructor(
    private readonly computers: ComputerCommandSupport,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal, data, meta }: DeleteComputerGroupCommand): Promise<CommandResult> {
    const accountId = principal.tenantId;
    const inGroup = await this.store
      .forTenant(accountId)
      .collection<ComputerDoc>(this.access.activeCollection(COMPUTER_LIST))
      .find({ groupId: data.groupId }, { limit: 1, projection: { id: 1 } });
    return this.computers.runGroups<DeleteComputerGroup>(
      accountId,
      { type: 'DeleteComputerGroup', data: { accountId, groupId: data.groupId, computersInGroup: inGroup.length } },
      principal,
      meta,
    );
  }
}
