import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';

import { AuthService } from './auth.service';

/** Pages of a signed-in user; the emailed password must be changed before anything else. */
export const signedInGuard: CanActivateFn = async (_route, state) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.ready();
  if (!auth.signedIn()) return router.createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
  if (auth.mustChangePassword()) return router.createUrlTree(['/first-login']);
  return true;
};

/** Sign-in, registration, recovery: a signed-in user has nothing to do there. */
export const signedOutGuard: CanActivateFn = async () => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.ready();
  if (!auth.signedIn()) return true;
  return router.createUrlTree([auth.mustChangePassword() ? '/first-login' : '/']);
};

/** The forced change after the emailed password: only for a signed-in user who still has to do it. */
export const passwordChangeGuard: CanActivateFn = async () => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.ready();
  if (!auth.signedIn()) return router.createUrlTree(['/sign-in']);
  return auth.mustChangePassword() ? true : router.createUrlTree(['/']);
};

/** A return URL from the query string, only if it stays inside the console (no open redirect). */
export function safeReturnUrl(value: string | null | undefined, fallback = '/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (/^\/(sign-in|register|recover|first-login|auth\/callback)(\/|\?|$)/.test(value)) return fallback;
  return value;
}
