import { SetMetadata } from '@nestjs/common';

export const ROUTE_ACCESS = 'switchboard:route-access';
export const BEFORE_PASSWORD_CHANGE = 'switchboard:before-password-change';

/** Who may call a route: anyone, any signed-in caller (user or operator), or the operator only. */
export type RouteAccess = 'public' | 'signed-in' | 'operator';

/** No credential needed (sign-in, registration, recovery); the guard does not even read the header. */
export const Public = () => SetMetadata(ROUTE_ACCESS, 'public' satisfies RouteAccess);

/** Only the operator token opens it (opening tenants by hand, for example). */
export const OperatorOnly = () => SetMetadata(ROUTE_ACCESS, 'operator' satisfies RouteAccess);

/**
 * Open to a user who signed in with a generated password and has not changed it yet. Every other
 * route answers 403 PASSWORD_CHANGE_REQUIRED to such a token.
 */
export const AllowedBeforePasswordChange = () => SetMetadata(BEFORE_PASSWORD_CHANGE, true);
