import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SetAgentName } from '../../domain/computer/computer.commands';
import type { CommandResult } from '../handle-command';
import { ComputerCommandMessage, ComputerCommandSupport } from './computer-command-support';

/** The agent's `set-name` message; the principal is the agent's (AgentIdentity.principal). */
export class SetAgentNameCommand extends ComputerCommandMessage<SetAgentName['data']> {
  readonly type = 'SetAgentName';
}

@CommandHandler(SetAgentNameCommand)
export class SetAgentNameHandler implements ICommandHandler<SetAgentNameCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: SetAgentNameCommand): Promise<CommandResult> {
    return this.computers.runComputer<SetAgentName>(data.computerId, { type: 'SetAgentName', data }, principal, meta);
  }
}
