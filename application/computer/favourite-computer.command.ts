import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { FavouriteComputer, UnfavouriteComputer } from '../../domain/computer/computer.commands';
import type { CommandResult } from '../handle-command';
import { ComputerCommandMessage, ComputerCommandSupport } from './computer-command-support';

/** Puts a computer the caller can see among the caller's own favourites (first in their list). */
export class FavouriteComputerCommand extends ComputerCommandMessage<FavouriteComputer['data']> {
  readonly type = 'FavouriteComputer';
}
export class UnfavouriteComputerCommand extends ComputerCommandMessage<UnfavouriteComputer['data']> {
  readonly type = 'UnfavouriteComputer';
}

@CommandHandler(FavouriteComputerCommand)
export class FavouriteComputerHandler implements ICommandHandler<FavouriteComputerCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: FavouriteComputerCommand): Promise<CommandResult> {
    return this.computers.runComputer<FavouriteComputer>(data.computerId, { type: 'FavouriteComputer', data }, principal, meta);
  }
}

@CommandHandler(UnfavouriteComputerCommand)
export class UnfavouriteComputerHandler implements ICommandHandler<UnfavouriteComputerCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: UnfavouriteComputerCommand): Promise<CommandResult> {
    return this.computers.runComputer<UnfavouriteComputer>(data.computerId, { type: 'UnfavouriteComputer', data }, principal, meta);
  }
}
