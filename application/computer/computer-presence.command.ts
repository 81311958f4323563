import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { MarkComputerOffline, MarkComputerOnline, UpdateComputerFacts } from '../../domain/computer/computer.commands';
import type { CommandResult } from '../handle-command';
import { ComputerCommandMessage, ComputerCommandSupport } from './computer-command-support';

/**
 * Status transitions that matter, from the agent gateway (agent principal) or the presence sweeper
 * (systemPrincipal(tenantId)). Heartbeats never come here. Online when already online from the same
 * address, offline when already offline and the same facts again record nothing.
 */
export class MarkComputerOnlineCommand extends ComputerCommandMessage<MarkComputerOnline['data']> {
  readonly type = 'MarkComputerOnline';
}
export class MarkComputerOfflineCommand extends ComputerCommandMessage<MarkComputerOffline['data']> {
  readonly type = 'MarkComputerOffline';
}
export class UpdateComputerFactsCommand extends ComputerCommandMessage<UpdateComputerFacts['data']> {
  readonly type = 'UpdateComputerFacts';
}

@CommandHandler(MarkComputerOnlineCommand)
export class MarkComputerOnlineHandler implements ICommandHandler<MarkComputerOnlineCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: MarkComputerOnlineCommand): Promise<CommandResult> {
    return this.computers.runComputer<MarkComputerOnline>(data.computerId, { type: 'MarkComputerOnline', data }, principal, meta);
  }
}

@CommandHandler(MarkComputerOfflineCommand)
export class MarkComputerOfflineHandler implements ICommandHandler<MarkComputerOfflineCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: MarkComputerOfflineCommand): Promise<CommandResult> {
    return this.computers.runComputer<MarkComputerOffline>(data.computerId, { type: 'MarkComputerOffline', data }, principal, meta);
  }
}

@CommandHandler(UpdateComputerFactsCommand)
export class UpdateComputerFactsHandler implements ICommandHandler<UpdateComputerFactsCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: UpdateComputerFactsCommand): Promise<CommandResult> {
    return this.computers.runComputer<UpdateComputerFacts>(data.computerId, { type: 'UpdateComputerFacts', data }, principal, meta);
  }
}
