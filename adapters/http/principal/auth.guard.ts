import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HttpProblem } from '../problem-details';
import { BEFORE_PASSWORD_CHANGE, ROUTE_ACCESS, type RouteAccess } from './auth-route.decorators';
import type { AuthenticatedRequest } from './caller';
import { PrincipalResolver } from './principal-resolver';

/**
 * Resolves the caller of every route of a controller that uses it: the operator token or a user's
 * access token. Routes are signed-in only unless marked `@Public()`; `@OperatorOnly()` refuses users.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: PrincipalResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, targets) ?? 'signed-in';
    if (access === 'public') return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = await this.resolver.resolve(req.headers.authorization);
    if (!caller) throw new HttpProblem('UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <access token>', 401);
    if (access === 'operator' && caller.kind !== 'operator') {
      throw new HttpProblem('OPERATOR_ONLY', 'Only the operator may do this', 403);
    }
    if (caller.kind === 'user' && caller.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(BEFORE_PASSWORD_CHANGE, targets)) {
      throw new HttpProblem('PASSWORD_CHANGE_REQUIRED', 'Choose a new password first (POST /api/me/password)', 403);
    }
    req.caller = caller;
    if (caller.kind === 'user') req.principal = caller.principal;
    return true;
  }
}
