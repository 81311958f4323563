import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '../../domain/shared/event';
import type { CommandMeta, CommandResult } from '../handle-command';
import { UserCommandSupport } from './user-command-support';

export class SignOutCommand {
  constructor(
    readonly principal: Principal,
    /** The `sid` of the caller's access token. */
    readonly data: { readonly sessionId: string },
    readonly meta: CommandMeta,
  ) {}
}

/** Ends the caller's own session; its refresh token stops working, its access token at expiry (at most 15 min). */
@CommandHandler(SignOutCommand)
export class SignOutHandler implements ICommandHandler<SignOutCommand, CommandResult> {
  constructor(private readonly support: UserCommandSupport) {}

  execute({ principal, data, meta }: SignOutCommand): Promise<CommandResult> {
    return this.support.runAsPrincipal(principal.id, { type: 'SignOut', data: { userId: principal.id, sessionId: data.sessionId } }, principal, meta);
  }
}

export class RevokeAllSessionsCommand {
  constructor(
    readonly principal: Principal,
    /** `userId` defaults to the caller; an owner or admin may name a user of their account. */
    readonly data: { readonly userId?: string; readonly exceptSessionId?: string },
    readonly meta: CommandMeta,
  ) {}
}

/** Ends every open session of a user ("sign out everywhere"); another tenant's user is refused and recorded. */
@CommandHandler(RevokeAllSessionsCommand)
export class RevokeAllSessionsHandler implements ICommandHandler<RevokeAllSessionsCommand, CommandResult> {
  constructor(private readonly support: UserCommandSupport) {}

  execute({ principal, data, meta }: RevokeAllSessionsCommand): Promise<CommandResult> {
    const userId = data.userId ?? principal.id;
    const command = { userId, ...(data.exceptSessionId ? { exceptSessionId: data.exceptSessionId } : {}) };
    return this.support.runAsPrincipal(userId, { type: 'RevokeAllSessions', data: command }, principal, meta);
  }
}
