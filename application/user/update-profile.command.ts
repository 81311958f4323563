import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '../../domain/shared/event';
import type { CommandMeta, CommandResult } from '../handle-command';
import { UserCommandSupport } from './user-command-support';

export class UpdateProfileCommand {
  constructor(
    readonly principal: Principal,
    /** As the person typed it; the decider validates every field (USER_PROFILE_INVALID names the bad ones). */
    readonly data: { readonly profile: Readonly<Record<string, unknown>> },
    readonly meta: CommandMeta,
  ) {}
}

/** The caller edits their own profile; the console shows every date and time with it. */
@CommandHandler(UpdateProfileCommand)
export class UpdateProfileHandler implements ICommandHandler<UpdateProfileCommand, CommandResult> {
  constructor(private readonly support: UserCommandSupport) {}

  execute({ principal, data, meta }: UpdateProfileCommand): Promise<CommandResult> {
    return this.support.runAsPrincipal(principal.id, { type: 'UpdateProfile', data: { userId: principal.id, profile: data.profile } }, principal, meta);
  }
}
