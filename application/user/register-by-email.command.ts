import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/domain-error';
import { checkPassword } from '../../domain/shared/password-policy';
import { isValidEmail, normalizeEmail } from '../../domain/user/email';
import { LANGUAGES, type Language } from '../../domain/user/user.profile';
import type { CommandMeta } from '../handle-command';
import type { Position } from '../ports/position';
import { registerOwner } from './registration';
import { UserCommandSupport } from './user-command-support';

/** Length of the emailed password. */
export const GENERATED_PASSWORD_LENGTH = 16;
export const DEFAULT_ACCOUNT_NAME = 'My client space';

export class RegisterByEmailCommand {
  constructor(
    readonly data: { readonly email: string; readonly accountName?: string; readonly language?: string },
    readonly meta: CommandMeta,
  ) {}
}

/** What the registration mail must say; the HTTP layer sends it (and only then answers 202). */
export interface RegistrationMail {
  readonly to: string;
  readonly password: string;
  readonly language: Language;
}

export interface RegisterByEmailResult {
  readonly userId: string;
  readonly accountId: string;
  readonly position: Position;
  readonly mail: RegistrationMail;
}

/**
 * Registration by email: the email is claimed across all tenants (409 EMAIL_ALREADY_REGISTERED,
 * recorded, when it is taken), a new client space is opened for the person, and a generated password
 * is hashed and returned for the mail. The user stays pending until the first sign-in.
 */
@CommandHandler(RegisterByEmailCommand)
export class RegisterByEmailHandler implements ICommandHandler<RegisterByEmailCommand, RegisterByEmailResult> {
  constructor(private readonly support: UserCommandSupport) {}

  async execute({ data, meta }: RegisterByEmailCommand): Promise<RegisterByEmailResult> {
    const email = normalizeEmail(String(data.email ?? ''));
    if (!isValidEmail(email)) throw new DomainError('USER_EMAIL_INVALID', 'This is not an email address');
    const password = this.generatePassword(email);
    const generatedPasswordHash = await this.support.hasher.hash(password);
    const registered = await registerOwner(
      this.support,
      { email, accountName: data.accountName?.trim() || DEFAULT_ACCOUNT_NAME, method: 'email', emailVerified: false, generatedPasswordHash },
      meta,
    );
    const language = LANGUAGES.includes(data.language as Language) ? (data.language as Language) : 'en';
    return { ...registered, mail: { to: email, password, language } };
  }

  /** A generated password meets the policy like any other (a random draw can contain "admin"). */
  private generatePassword(email: string): string {
    for (let attempt = 0; attempt < 50; attempt++) {
      const password = this.support.secrets.password(GENERATED_PASSWORD_LENGTH);
      if (checkPassword(password, { email }).length === 0) return password;
    }
    throw new Error('The secret generator keeps producing passwords the policy refuses');
  }
}
