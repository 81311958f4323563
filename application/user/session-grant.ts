import type { PasswordCheck } from '../../domain/user/user.commands';
import type { SignInMethod, UserRole } from '../../domain/user/user.events';
import type { LiveUser } from '../../domain/user/user.state';
import type { CommandMeta } from '../handle-command';
import type { Position } from '../ports/position';
import { AttemptRefusedError, refusalIn } from './user.errors';
import { actingAs, type UserCommandSupport } from './user-command-support';
import { composeRefreshToken } from './user-tokens';

/** What the HTTP layer needs to answer a sign-in or a refresh: the claims of an access token and the new refresh token. */
export interface SessionGrant {
  readonly userId: string;
  readonly accountId: string;
  readonly role: UserRole;
  readonly sessionId: string;
  /** Give it to the client once; only its SHA-256 is stored. */
  readonly refreshToken: string;
  readonly refreshExpiresAt: string;
  /** Signed in with the emailed password: only the password change is allowed until it is done. */
  readonly mustChangePassword: boolean;
  readonly position: Position;
}

/** Opens a session (or records the refused attempt and throws its AttemptRefusedError). */
export async function openSession(
  support: UserCommandSupport,
  user: LiveUser,
  method: SignInMethod,
  passwordCheck: PasswordCheck | undefined,
  meta: CommandMeta,
): Promise<SessionGrant> {
  const sessionId = support.ids.newId();
  const refreshToken = composeRefreshToken(user.userId, sessionId, support.secrets.token());
  const result = await support.runUser(
    user.userId,
    {
      type: 'SignIn',
      data: {
        userId: user.userId,
        sessionId,
        refreshTokenHash: support.secrets.digest(refreshToken),
        method,
        ...(passwordCheck ? { passwordCheck } : {}),
      },
    },
    actingAs(user),
    meta,
  );
  const refused = refusalIn(result.events);
  if (refused) throw refused;
  const signedIn = result.events.find((e) => e.type === 'UserSignedIn');
  if (signedIn?.type !== 'UserSignedIn') throw new AttemptRefusedError('INVALID_CREDENTIALS', 'The sign-in did not open a session');
  return {
    userId: user.userId,
    accountId: user.accountId,
    role: user.role,
    sessionId,
    refreshToken,
    refreshExpiresAt: signedIn.data.expiresAt,
    mustChangePassword: method === 'email' && user.mustChangePassword,
    position: result.position,
  };
}
