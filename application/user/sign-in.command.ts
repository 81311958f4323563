import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMeta } from '../handle-command';
import { openSession, type SessionGrant } from './session-grant';
import { refusal } from './user.errors';
import { UserCommandSupport } from './user-command-support';

export class SignInCommand {
  constructor(
    readonly data: { readonly email: string; readonly password: string },
    readonly meta: CommandMeta,
  ) {}
}

/**
 * Email and password sign-in. An unknown email costs the same time as a wrong password and gets the
 * same INVALID_CREDENTIALS; it is recorded in the anonymous security stream, a wrong password in the
 * user's own stream. Rate limiting is the caller's (HTTP) job, before this command.
 */
@CommandHandler(SignInCommand)
export class SignInHandler implements ICommandHandler<SignInCommand, SessionGrant> {
  constructor(private readonly support: UserCommandSupport) {}

  async execute({ data, meta }: SignInCommand): Promise<SessionGrant> {
    const email = String(data.email ?? '');
    const user = await this.support.userByEmail(email);
    if (!user) {
      await this.support.burnPasswordCheck(data.password);
      await this.support.security.record(null, { action: 'sign-in', reason: 'unknown_email', emailHash: this.support.emailHash(email) }, meta);
      throw refusal('INVALID_CREDENTIALS');
    }
    const passwordCheck = await this.support.checkPassword(user, data.password);
    return openSession(this.support, user, 'email', passwordCheck, meta);
  }
}
