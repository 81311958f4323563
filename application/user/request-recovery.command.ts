import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isValidEmail, normalizeEmail } from '../../domain/user/email';
import type { Language } from '../../domain/user/user.profile';
import type { CommandMeta } from '../handle-command';
import type { Position } from '../ports/position';
import { UserCommandSupport, actingAs } from './user-command-support';
import { composeRecoveryToken } from './user-tokens';

export class RequestRecoveryCommand {
  constructor(
    readonly data: { readonly email: string },
    readonly meta: CommandMeta,
  ) {}
}

/** What the recovery mail must say: the token goes into the link; it works once, for an hour. */
export interface RecoveryMail {
  readonly to: string;
  readonly token: string;
  readonly expiresAt: string;
  /** The user's profile language, when they set one. */
  readonly language?: Language;
}

/**
 * `mail` is null for an email that belongs to nobody: the HTTP layer answers 202 either way and must
 * not let the answer's timing tell the two apart (send the mail after answering).
 */
export interface RequestRecoveryResult {
  readonly mail: RecoveryMail | null;
  readonly position?: Position;
}

/**
 * Issues a recovery link for the email's user (replacing any outstanding one). An unknown email gets
 * no error and no mail, so the answer reveals nothing; the attempt is recorded in the anonymous security stream.
 */
@CommandHandler(RequestRecoveryCommand)
export class RequestRecoveryHandler implements ICommandHandler<RequestRecoveryCommand, RequestRecoveryResult> {
  constructor(private readonly support: UserCommandSupport) {}

  async execute({ data, meta }: RequestRecoveryCommand): Promise<RequestRecoveryResult> {
    const email = normalizeEmail(String(data.email ?? ''));
    const user = isValidEmail(email) ? await this.support.userByEmail(email) : null;
    if (!user || user.email === null) {
      await this.support.security.record(null, { action: 'recovery', reason: 'unknown_email', emailHash: this.support.emailHash(email) }, meta);
      return { mail: null };
    }
    const token = composeRecoveryToken(user.userId, this.support.secrets.token());
    const result = await this.support.runUser(
      user.userId,
      { type: 'RequestRecovery', data: { userId: user.userId, tokenHash: this.support.secrets.digest(token) } },
      actingAs(user),
      meta,
    );
    const requested = result.events.find((e) => e.type === 'UserRecoveryRequested');
    const expiresAt = requested?.type === 'UserRecoveryRequested' ? requested.data.expiresAt : '';
    return {
      mail: { to: user.email, token, expiresAt, ...(user.profile ? { language: user.profile.language } : {}) },
      position: result.position,
    };
  }
}
