import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hasGroup } from '../../domain/computer-groups/computer-groups.state';
import type { MoveComputerToGroup } from '../../domain/computer/computer.commands';
import { DomainError } from '../../domain/shared/domain-error';
import type { CommandResult } from '../handle-command';
import { ComputerCommandMessage, ComputerCommandSupport } from './computer-command-support';

/** Drops a computer into a group of the caller's account (`groupId: null`: out of every group). */
export class MoveComputerToGroupCommand extends ComputerCommandMessage<MoveComputerToGroup['data']> {
  readonly type = 'MoveComputerToGroup';
}

@CommandHandler(MoveComputerToGroupCommand)
export class MoveComputerToGroupHandler implements ICommandHandler<MoveComputerToGroupCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  /** The group tree's stream is the authority on which groups exist. */
  async execute({ principal, data, meta }: MoveComputerToGroupCommand): Promise<CommandResult> {
    if (data.groupId !== null) {
      const groups = await this.computers.loadGroups(principal.tenantId);
      if (typeof data.groupId !== 'string' || !hasGroup(groups, data.groupId)) throw new DomainError('COMPUTER_GROUP_NOT_FOUND', 'No such group');
    }
    return this.computers.runComputer<MoveComputerToGroup>(data.computerId, { type: 'MoveComputerToGroup', data }, principal, meta);
  }
}
