import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandMeta } from '../handle-command';
import type { SessionGrant } from './session-grant';
import { refusal, refusalIn } from './user.errors';
import { UserCommandSupport, actingAs, isLive } from './user-command-support';
import { composeRefreshToken, parseRefreshToken } from './user-tokens';

export class RefreshSessionCommand {
  constructor(
    readonly data: { readonly refreshToken: string },
    readonly meta: CommandMeta,
  ) {}
}

/**
 * Rotates a refresh token: the new one replaces it, and presenting an old one again revokes the whole
 * session (401 TOKEN_REUSED). A token that names no live user is recorded in the anonymous security stream.
 */
@CommandHandler(RefreshSessionCommand)
export class RefreshSessionHandler implements ICommandHandler<RefreshSessionCommand, SessionGrant> {
  constructor(private readonly support: UserCommandSupport) {}

  async execute({ data, meta }: RefreshSessionCommand): Promise<SessionGrant> {
    const parsed = parseRefreshToken(data.refreshToken);
    const user = parsed ? await this.support.loadUser(parsed.userId) : null;
    if (!parsed || !user || !isLive(user)) {
      await this.support.security.record(null, { action: 'refresh', reason: 'invalid_token', ...(parsed ? { userId: parsed.userId } : {}) }, meta);
      throw refusal('TOKEN_INVALID');
    }
    const { secrets } = this.support;
    const refreshToken = composeRefreshToken(user.userId, parsed.sessionId, secrets.token());
    const result = await this.support.runUser(
      user.userId,
      {
        type: 'RefreshSession',
        data: {
          userId: user.userId,
          sessionId: parsed.sessionId,
          presentedTokenHash: secrets.digest(data.refreshToken),
          newRefreshTokenHash: secrets.digest(refreshToken),
        },
      },
      actingAs(user),
      meta,
    );
    const refused = refusalIn(result.events);
    if (refused) throw refused;
    const refreshed = result.events.find((e) => e.type === 'UserSessionRefreshed');
    if (refreshed?.type !== 'UserSessionRefreshed') throw refusal('TOKEN_INVALID');
    return {
      userId: user.userId,
      accountId: user.accountId,
      role: user.role,
      sessionId: parsed.sessionId,
      refreshToken,
      refreshExpiresAt: refreshed.data.expiresAt,
      mustChangePassword: user.mustChangePassword,
      position: result.position,
    };
  }
}
