import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '../../domain/shared/event';
import type { CommandMeta, CommandResult } from '../handle-command';
import { UserCommandSupport } from './user-command-support';

export class FinishOnboardingCommand {
  constructor(
    readonly principal: Principal,
    readonly data: { readonly outcome: 'dismissed' | 'completed' },
    readonly meta: CommandMeta,
  ) {}
}

/** The caller dismissed or completed the onboarding tour; it is not offered again. */
@CommandHandler(FinishOnboardingCommand)
export class FinishOnboardingHandler implements ICommandHandler<FinishOnboardingCommand, CommandResult> {
  constructor(private readonly support: UserCommandSupport) {}

  execute({ principal, data, meta }: FinishOnboardingCommand): Promise<CommandResult> {
    return this.support.runAsPrincipal(principal.id, { type: 'FinishOnboarding', data: { userId: principal.id, outcome: data.outcome } }, principal, meta);
  }
}
