import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { HttpRequest as Request } from './http-types';
import type { Principal } from '../../domain/shared/event';
import { tokenMatches } from '../system/operator-token';
import { HttpProblem } from './problem-details';

export const OPERATOR_TOKEN = Symbol('OperatorToken');

/** Reads `Authorization: Bearer <token>`; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Until sign-in exists the operator token is the only credential: a request that presents it
 * acts as the operator. The accounts issue replaces this guard with real principals.
 */
@Injectable()
export class OperatorAuthGuard implements CanActivate {
  constructor(@Inject(OPERATOR_TOKEN) private readonly token: string) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!tokenMatches(this.token, bearerToken(req.headers.authorization))) {
      throw new HttpProblem('UNAUTHORIZED', 'A valid operator bearer token is required', 401);
    }
    return true;
  }
}

/** The operator acting in one tenant: the tenant of the account in the URL (or of the account being registered). */
export const operatorIn = (tenantId: string): Principal => ({ kind: 'system', id: 'operator', tenantId, role: 'operator' });
