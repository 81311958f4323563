import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountDecider } from '../../domain/account/account.decide';
import type { AccountCommand, CloseAccount, RegisterAccount, RenameAccount } from '../../domain/account/account.commands';
import type { Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import { CommandRunner } from '../command-runner';
import type { CommandMeta, CommandResult } from '../handle-command';

abstract class AccountCommandMessage<C extends AccountCommand> {
  abstract readonly type: C['type'];
  constructor(readonly principal: Principal, readonly data: C['data'], readonly meta: CommandMeta) {}
}

export class RegisterAccountCommand extends AccountCommandMessage<RegisterAccount> {
  readonly type = 'RegisterAccount';
}

export class RenameAccountCommand extends AccountCommandMessage<RenameAccount> {
  readonly type = 'RenameAccount';
}

export class CloseAccountCommand extends AccountCommandMessage<CloseAccount> {
  readonly type = 'CloseAccount';
}

/** Every account command is the same read → decide → append on the account's stream. */
function runAccountCommand(runner: CommandRunner, command: AccountCommandMessage<AccountCommand>): Promise<CommandResult> {
  return runner.run(
    streamName('account', command.data.accountId),
    accountDecider,
    { type: command.type, data: command.data } as AccountCommand,
    command.principal,
    command.meta,
  );
}

@CommandHandler(RegisterAccountCommand)
export class RegisterAccountHandler implements ICommandHandler<RegisterAccountCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner) {}
  execute = (command: RegisterAccountCommand) => runAccountCommand(this.runner, command);
}

@CommandHandler(RenameAccountCommand)
export class RenameAccountHandler implements ICommandHandler<RenameAccountCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner) {}
  execute = (command: RenameAccountCommand) => runAccountCommand(this.runner, command);
}

@CommandHandler(CloseAccountCommand)
export class CloseAccountHandler implements ICommandHandler<CloseAccountCommand, CommandResult> {
  constructor(private readonly runner: CommandRunner) {}
  execute = (command: CloseAccountCommand) => runAccountCommand(this.runner, command);
}

export const ACCOUNT_COMMAND_HANDLERS = [RegisterAccountHandler, RenameAccountHandler, CloseAccountHandler];
