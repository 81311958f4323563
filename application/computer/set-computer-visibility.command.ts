import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SetComputerVisibility } from '../../domain/computer/computer.commands';
import type { CommandResult } from '../handle-command';
import { ComputerCommandMessage, ComputerCommandSupport } from './computer-command-support';

/** Owner-only or everyone in the account; only the owner may change it (COMPUTER_VISIBILITY_OWNER_ONLY). */
export class SetComputerVisibilityCommand extends ComputerCommandMessage<SetComputerVisibility['data']> {
  readonly type = 'SetComputerVisibility';
}

@CommandHandler(SetComputerVisibilityCommand)
export class SetComputerVisibilityHandler implements ICommandHandler<SetComputerVisibilityCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: SetComputerVisibilityCommand): Promise<CommandResult> {
    return this.computers.runComputer<SetComputerVisibility>(data.computerId, { type: 'SetComputerVisibility', data }, principal, meta);
  }
}
