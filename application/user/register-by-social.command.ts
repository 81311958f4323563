import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/domain-error';
import { isValidEmail, normalizeEmail } from '../../domain/user/email';
import type { CommandMeta } from '../handle-command';
import type { IdentityProviderKind } from '../ports/identity-providers.port';
import { registerOwner } from './registration';
import { openSession, type SessionGrant } from './session-grant';
import { refusal } from './user.errors';
import { UserCommandSupport, isLive } from './user-command-support';
import { DEFAULT_ACCOUNT_NAME } from './register-by-email.command';

export class RegisterBySocialCommand {
  constructor(
    readonly data: {
      /** Which kind of provider vouched for the person (the sign-in method recorded). */
      readonly provider: IdentityProviderKind;
      readonly email: string;
      readonly emailVerified: boolean;
      readonly accountName?: string;
    },
    readonly meta: CommandMeta,
  ) {}
}

export interface SocialSignInResult extends SessionGrant {
  /** True when this sign-in created the account. */
  readonly registered: boolean;
}

/**
 * Sign-in or registration through an identity provider, which proves the email: an email already
 * registered signs in to its user (whatever method registered it); a new one gets a new client space,
 * active at once. An email the provider has not verified is refused and recorded.
 */
@CommandHandler(RegisterBySocialCommand)
export class RegisterBySocialHandler implements ICommandHandler<RegisterBySocialCommand, SocialSignInResult> {
  constructor(private readonly support: UserCommandSupport) {}

  async execute({ data, meta }: RegisterBySocialCommand): Promise<SocialSignInResult> {
    const email = normalizeEmail(String(data.email ?? ''));
    if (!isValidEmail(email)) throw new DomainError('USER_EMAIL_INVALID', 'This is not an email address');
    if (data.emailVerified !== true) {
      await this.support.security.record(null, { action: 'register', reason: 'email_unverified', emailHash: this.support.emailHash(email) }, meta);
      throw refusal('EMAIL_NOT_VERIFIED');
    }
    const existing = await this.support.userByEmail(email);
    if (existing) return { ...(await openSession(this.support, existing, data.provider, undefined, meta)), registered: false };
    const { userId } = await registerOwner(
      this.support,
      { email, accountName: data.accountName?.trim() || DEFAULT_ACCOUNT_NAME, method: data.provider, emailVerified: true },
      meta,
    );
    const user = await this.support.loadUser(userId);
    if (!isLive(user)) throw new DomainError('USER_NOT_FOUND', 'The new user cannot be read back');
    return { ...(await openSession(this.support, user, data.provider, undefined, meta)), registered: true };
  }
}
