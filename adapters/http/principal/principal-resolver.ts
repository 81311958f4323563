import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_TOKENS, AccessTokenError, type AccessTokens } from '../../../application/ports/access-tokens.port';
import { USER_ROLES, type UserRole } from '../../../domain/user/user.events';
import { tokenMatches } from '../../system/operator-token';
import { bearerToken, OPERATOR_TOKEN } from '../operator-auth.guard';
import { HttpProblem } from '../problem-details';
import type { Caller } from './caller';
import { SessionRevocations } from './session-revocations';

/**
 * Who is calling, from `Authorization: Bearer <token>`: the operator token, or an access token that
 * verifies and whose session is still open. A token that is present but bad is a 401 with its reason,
 * never an anonymous request.
 */
@Injectable()
export class PrincipalResolver {
  constructor(
    @Inject(OPERATOR_TOKEN) private readonly operatorToken: string,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
    private readonly sessions: SessionRevocations,
  ) {}

  /** The caller, or undefined when the request carries no credential at all. */
  async resolve(authorization: string | undefined): Promise<Caller | undefined> {
    if (authorization === undefined || authorization.trim() === '') return undefined;
    const token = bearerToken(authorization);
    if (!token) throw new HttpProblem('UNAUTHORIZED', 'The Authorization header must be "Bearer <token>"', 401);
    if (tokenMatches(this.operatorToken, token)) return { kind: 'operator' };

    let claims;
    try {
      claims = this.tokens.verify(token);
    } catch (error) {
      if (error instanceof AccessTokenError) {
        // Expired is the one reason a client acts on (it refreshes); anything else is simply not a credential.
        if (error.code === 'TOKEN_EXPIRED') throw new HttpProblem('TOKEN_EXPIRED', 'The access token has expired: refresh it', 401);
        throw new HttpProblem('UNAUTHORIZED', 'The bearer token is neither the operator token nor a valid access token', 401);
      }
      throw error;
    }
    if (!USER_ROLES.includes(claims.role as UserRole)) throw new HttpProblem('UNAUTHORIZED', 'The access token names no known role', 401);
    // Tokens are checked without a store, so a revoked session's tokens would live on until they expire: look it up.
    const session = await this.sessions.check(claims.tid, claims.sub, claims.sid);
    if (session === 'revoked') throw new HttpProblem('SESSION_REVOKED', 'This session has ended: sign in again', 401);
    if (session === 'unknown') throw new HttpProblem('SESSION_UNKNOWN', 'This session is not known: sign in again', 401);
    return {
      kind: 'user',
      principal: { kind: 'user', id: claims.sub, tenantId: claims.tid, role: claims.role as UserRole },
      sessionId: claims.sid,
      mustChangePassword: claims.pwc === true,
    };
  }
}
