import type { PasswordWeakness } from '../../domain/shared/password-policy';
import type { RefusalReason, RefusedAction, UserEvent } from '../../domain/user/user.events';
import { ApplicationError } from '../errors';

/**
 * Codes of refused attempts, as `application/contracts/auth.contracts.ts` documents them. The same code
 * for an unknown email and a wrong password: a caller cannot tell which it was.
 */
export type RefusalCode =
  | 'INVALID_CREDENTIALS'
  | 'WRONG_CURRENT_PASSWORD'
  | 'PASSWORD_NOT_SET'
  | 'WEAK_PASSWORD'
  | 'PASSWORD_UNCHANGED'
  | 'RECOVERY_LINK_EXPIRED'
  | 'RECOVERY_LINK_USED'
  | 'RECOVERY_LINK_INVALID'
  | 'TOKEN_REUSED'
  | 'TOKEN_INVALID'
  | 'SESSION_REVOKED'
  | 'SESSION_EXPIRED'
  | 'EMAIL_NOT_VERIFIED';

/** An attempt refused after it was recorded (in the user's stream or a security stream): nothing else changed. */
export class AttemptRefusedError extends ApplicationError {
  constructor(
    override readonly code: RefusalCode,
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(code, message, details);
  }
}

function codeOf(action: RefusedAction, reason: RefusalReason): RefusalCode {
  if (action === 'sign-in') return 'INVALID_CREDENTIALS';
  switch (reason) {
    case 'wrong_password':
      return 'WRONG_CURRENT_PASSWORD';
    case 'no_password':
      return 'PASSWORD_NOT_SET';
    case 'weak_password':
      return 'WEAK_PASSWORD';
    case 'same_password':
      return 'PASSWORD_UNCHANGED';
    case 'expired':
      return action === 'recovery' ? 'RECOVERY_LINK_EXPIRED' : 'SESSION_EXPIRED';
    case 'used':
      return 'RECOVERY_LINK_USED';
    case 'superseded':
    case 'unknown':
      return action === 'recovery' ? 'RECOVERY_LINK_INVALID' : 'TOKEN_INVALID';
    case 'revoked':
      return 'SESSION_REVOKED';
    default:
      throw new Error(`Unhandled refusal reason: ${JSON.stringify(reason)}`);
  }
}

const MESSAGES: Readonly<Record<RefusalCode, string>> = {
  INVALID_CREDENTIALS: 'Wrong email or password',
  WRONG_CURRENT_PASSWORD: 'The current password is wrong',
  PASSWORD_NOT_SET: 'This user signs in through an identity provider and has no password; use password recovery to set one',
  WEAK_PASSWORD: 'The new password is too weak',
  PASSWORD_UNCHANGED: 'The new password is the current one',
  RECOVERY_LINK_EXPIRED: 'This recovery link has expired; ask for a new one',
  RECOVERY_LINK_USED: 'This recovery link has already been used',
  RECOVERY_LINK_INVALID: 'This recovery link is not valid (a newer one may have been sent)',
  TOKEN_REUSED: 'This refresh token was already used: the session is revoked',
  TOKEN_INVALID: 'This token is not valid',
  SESSION_REVOKED: 'This session has ended',
  SESSION_EXPIRED: 'This session has expired',
  EMAIL_NOT_VERIFIED: 'The identity provider has not verified this email',
};

export function refusal(code: RefusalCode, details?: Readonly<Record<string, unknown>>): AttemptRefusedError {
  return new AttemptRefusedError(code, MESSAGES[code], details);
}

/**
 * The error a handler answers when the decider recorded a refusal (UserAttemptRefused, or a session
 * revoked for a reused token); undefined when the command went through.
 */
export function refusalIn(events: readonly UserEvent[], weaknesses: readonly PasswordWeakness[] = []): AttemptRefusedError | undefined {
  for (const event of events) {
    if (event.type === 'UserSessionRevoked' && event.data.reason === 'token_reused') return refusal('TOKEN_REUSED');
    if (event.type === 'UserAttemptRefused') {
      const code = codeOf(event.data.action, event.data.reason);
      return refusal(code, code === 'WEAK_PASSWORD' ? { reasons: weaknesses } : { reason: event.data.reason });
    }
  }
  return undefined;
}
