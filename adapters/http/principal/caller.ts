import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '../../../domain/shared/event';
import type { HttpRequest } from '../http-types';
import { operatorIn } from '../operator-auth.guard';
import { HttpProblem } from '../problem-details';

/** The operator: the holder of the operator token, acting in whichever tenant a route names. */
export interface OperatorCaller {
  readonly kind: 'operator';
}

/** A signed-in user, from a verified access token of a session that is still open. */
export interface UserCaller {
  readonly kind: 'user';
  readonly principal: Principal & { readonly kind: 'user' };
  readonly sessionId: string;
  /** Signed in with a generated password that must be changed first (the `pwc` claim). */
  readonly mustChangePassword: boolean;
}

export type Caller = OperatorCaller | UserCaller;

/** The request as the auth guard leaves it. */
export interface AuthenticatedRequest extends HttpRequest {
  caller?: Caller;
  /** A user's principal, for code that reads the request rather than `CurrentCaller`; unset for the operator. */
  principal?: Principal;
}

/** The principal a command or query runs as when `caller` acts on `tenantId`'s data. */
export const principalFor = (caller: Caller, tenantId: string): Principal => (caller.kind === 'operator' ? operatorIn(tenantId) : caller.principal);

/** The caller the guard resolved; a route without the guard has none, which is a programming error. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new HttpProblem('UNAUTHORIZED', 'Sign in first', 401);
  return caller;
});

/** The signed-in user; the operator has no "me" and is refused. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): UserCaller => {
  const caller = ctx.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new HttpProblem('UNAUTHORIZED', 'Sign in first', 401);
  if (caller.kind !== 'user') throw new HttpProblem('USER_TOKEN_REQUIRED', 'This route acts on a signed-in user; the operator token has no user', 403);
  return caller;
});
