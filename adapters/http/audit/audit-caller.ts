import { Inject, Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '../../../domain/shared/event';
import { tokenMatches } from '../../system/operator-token';
import type { HttpRequest } from '../http-types';
import { OPERATOR_TOKEN, bearerToken, operatorIn } from '../operator-auth.guard';
import { HttpProblem } from '../problem-details';

/**
 * A request once an auth guard has run: a user's principal in `principal`, the operator as
 * `caller.kind === 'operator'` (the operator acts in the tenant the request names). The sign-in
 * guard (adapters/http/principal) leaves requests in the same shape.
 */
export interface PrincipalRequest extends HttpRequest {
  readonly query?: Readonly<Record<string, unknown>>;
  caller?: { readonly kind: string };
  principal?: Principal;
}

const TENANT_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

/** Lets the operator token in, as the operator; the guard of tenant-scoped reads until users sign in. */
@Injectable()
export class OperatorCallerGuard implements CanActivate {
  constructor(@Inject(OPERATOR_TOKEN) private readonly token: string) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<PrincipalRequest>();
    if (!tokenMatches(this.token, bearerToken(req.headers.authorization))) {
      throw new HttpProblem('UNAUTHORIZED', 'A valid bearer token is required', 401);
    }
    req.caller = { kind: 'operator' };
    return true;
  }
}

/** The principal a request acts as, from what the guard left on it. */
export function principalOf(req: PrincipalRequest): Principal {
  const tenant = req.query?.tenant;
  if (req.principal) {
    // A user reads their own tenant; naming another one is refused, not silently ignored.
    if (tenant !== undefined && tenant !== req.principal.tenantId) {
      throw new HttpProblem('FORBIDDEN', 'You can only read the audit log of your own account', 403);
    }
    return req.principal;
  }
  if (req.caller?.kind === 'operator') {
    if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) {
      throw new HttpProblem('VALIDATION_FAILED', 'The operator names the account to read with ?tenant=<account id>', 400, {
        errors: ['tenant: required for the operator, an account id'],
      });
    }
    return operatorIn(tenant);
  }
  throw new HttpProblem('UNAUTHORIZED', 'Sign in first', 401);
}

/** Route parameter: the principal of the request (see `principalOf`). */
export const RequestPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal =>
  principalOf(ctx.switchToHttp().getRequest<PrincipalRequest>()),
);
