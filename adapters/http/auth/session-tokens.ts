import { Inject, Injectable } from '@nestjs/common';
import type { TokenPair } from '../../../application/contracts/auth.contracts';
import { ACCESS_TOKENS, type AccessTokens } from '../../../application/ports/access-tokens.port';
import type { SessionGrant } from '../../../application/user/session-grant';
import { SessionRevocations } from '../principal/session-revocations';

/** Access tokens live 15 minutes: a stolen one is short-lived, and revocation is also checked on every request. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/**
 * Turns a granted session (sign-in, refresh, social sign-in) into the pair the client keeps, once the
 * sessions read model knows the session, so that the very next request with the access token passes.
 */
@Injectable()
export class SessionTokens {
  constructor(
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
    private readonly sessions: SessionRevocations,
  ) {}

  async tokenPair(grant: SessionGrant): Promise<TokenPair & { tokenType: 'Bearer' }> {
    await this.sessions.settled(grant.position);
    const accessToken = this.tokens.issue(
      {
        sub: grant.userId,
        tid: grant.accountId,
        role: grant.role,
        sid: grant.sessionId,
        ...(grant.mustChangePassword ? { pwc: true } : {}),
      },
      ACCESS_TOKEN_TTL_SECONDS,
    );
    return {
      accessToken,
      refreshToken: grant.refreshToken,
      tokenType: 'Bearer',
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      mustChangePassword: grant.mustChangePassword,
    };
  }
}
