import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { SetAgentConfigPolicy } from '../../domain/computer/computer.commands';
import type { CommandResult } from '../handle-command';
import { ComputerCommandMessage, ComputerCommandSupport } from './computer-command-support';

/** "Allow agent configuration without administrator rights": installed Windows agents only (COMPUTER_SETTING_UNSUPPORTED). */
export class SetAgentConfigPolicyCommand extends ComputerCommandMessage<SetAgentConfigPolicy['data']> {
  readonly type = 'SetAgentConfigPolicy';
}

@CommandHandler(SetAgentConfigPolicyCommand)
export class SetAgentConfigPolicyHandler implements ICommandHandler<SetAgentConfigPolicyCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: SetAgentConfigPolicyCommand): Promise<CommandResult> {
    return this.computers.runComputer<SetAgentConfigPolicy>(data.computerId, { type: 'SetAgentConfigPolicy', data }, principal, meta);
  }
}
