import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '../../domain/shared/event';
import { checkPassword } from '../../domain/shared/password-policy';
import type { CommandMeta, CommandResult } from '../handle-command';
import { refusalIn } from './user.errors';
import { UserCommandSupport } from './user-command-support';

export class ChangePasswordCommand {
  constructor(
    readonly principal: Principal,
    readonly data: {
      readonly currentPassword: string;
      readonly newPassword: string;
      /** The caller's session (`sid`); it stays open, every other one ends. */
      readonly sessionId?: string;
    },
    readonly meta: CommandMeta,
  ) {}
}

/**
 * Changes the caller's password: the current one is required (WRONG_CURRENT_PASSWORD), the new one must
 * meet the policy (WEAK_PASSWORD with its reasons) and differ (PASSWORD_UNCHANGED); each refusal is
 * recorded. It lifts the forced change of a generated password and ends the other sessions.
 */
@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand, CommandResult> {
  constructor(private readonly support: UserCommandSupport) {}

  async execute({ principal, data, meta }: ChangePasswordCommand): Promise<CommandResult> {
    const user = await this.support.loadSelf(principal);
    const newPassword = String(data.newPassword ?? '');
    const currentPassword = await this.support.checkPassword(user, data.currentPassword);
    const weaknesses = checkPassword(newPassword, { email: user.email ?? undefined });
    const acceptable = currentPassword.matches && weaknesses.length === 0;
    const sameAsCurrent = acceptable && (await this.support.checkPassword(user, newPassword)).matches;
    // The hash is spent only on a change that can go through.
    const newPasswordHash = acceptable && !sameAsCurrent ? await this.support.hasher.hash(newPassword) : '';
    const result = await this.support.runAsPrincipal(
      user.userId,
      {
        type: 'ChangePassword',
        data: {
          userId: user.userId,
          currentPassword,
          newPasswordHash,
          weaknesses,
          sameAsCurrent,
          ...(data.sessionId ? { keepSessionId: data.sessionId } : {}),
        },
      },
      principal,
      meta,
    );
    const refused = refusalIn(result.events, weaknesses);
    if (refused) throw refused;
    return result;
  }
}
