import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RenameComputer } from '../../domain/computer/computer.commands';
import type { CommandResult } from '../handle-command';
import { ComputerCommandMessage, ComputerCommandSupport } from './computer-command-support';

/** The console renames a computer (owner, admins, users it is shared with); the gateway tells the agent. */
export class RenameComputerCommand extends ComputerCommandMessage<RenameComputer['data']> {
  readonly type = 'RenameComputer';
}

@CommandHandler(RenameComputerCommand)
export class RenameComputerHandler implements ICommandHandler<RenameComputerCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: RenameComputerCommand): Promise<CommandResult> {
    return this.computers.runComputer<RenameComputer>(data.computerId, { type: 'RenameComputer', data }, principal, meta);
  }
}
