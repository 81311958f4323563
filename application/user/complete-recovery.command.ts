import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { checkPassword } from '../../domain/shared/password-policy';
import type { CommandMeta } from '../handle-command';
import type { Position } from '../ports/position';
import { refusal, refusalIn } from './user.errors';
import { UserCommandSupport, actingAs, isLive } from './user-command-support';
import { parseRecoveryToken } from './user-tokens';

export class CompleteRecoveryCommand {
  constructor(
    readonly data: { readonly token: string; readonly newPassword: string },
    readonly meta: CommandMeta,
  ) {}
}

/**
 * Sets a new password from a recovery link. Expired, used, replaced and unknown links, and weak
 * passwords, are refused and recorded (RECOVERY_LINK_EXPIRED / _USED / _INVALID, WEAK_PASSWORD);
 * success ends every session, so the person signs in again with the new password.
 */
@CommandHandler(CompleteRecoveryCommand)
export class CompleteRecoveryHandler implements ICommandHandler<CompleteRecoveryCommand, { userId: string; position: Position }> {
  constructor(private readonly support: UserCommandSupport) {}

  async execute({ data, meta }: CompleteRecoveryCommand): Promise<{ userId: string; position: Position }> {
    const parsed = parseRecoveryToken(data.token);
    const user = parsed ? await this.support.loadUser(parsed.userId) : null;
    if (!parsed || !user || !isLive(user)) {
      await this.support.security.record(null, { action: 'recovery', reason: 'invalid_token', ...(parsed ? { userId: parsed.userId } : {}) }, meta);
      throw refusal('RECOVERY_LINK_INVALID');
    }
    const newPassword = String(data.newPassword ?? '');
    const weaknesses = checkPassword(newPassword, { email: user.email ?? undefined });
    // A weak password is refused by the decider before its hash is used: no need to spend a hash on it.
    const newPasswordHash = weaknesses.length === 0 ? await this.support.hasher.hash(newPassword) : '';
    const result = await this.support.runUser(
      user.userId,
      { type: 'CompleteRecovery', data: { userId: user.userId, tokenHash: this.support.secrets.digest(data.token), newPasswordHash, weaknesses } },
      actingAs(user),
      meta,
    );
    const refused = refusalIn(result.events, weaknesses);
    if (refused) throw refused;
    return { userId: user.userId, position: result.position };
  }
}
