/** The server routes the console calls for sign-in, the session and the signed-in user. */
export const AUTH_API = {
  register: '/api/auth/register',
  login: '/api/auth/login',
  refresh: '/api/auth/refresh',
  logout: '/api/auth/logout',
  logoutAll: '/api/auth/logout-all',
  recovery: '/api/auth/recovery',
  recoveryComplete: '/api/auth/recovery/complete',
  providers: '/api/auth/providers',
  me: '/api/me',
  profile: '/api/me/profile',
  password: '/api/me/password',
  onboarding: '/api/me/onboarding',
  account: '/api/me/account',
} as const;

/**
 * Auth routes that must go out without a bearer token: the server answers a present-but-expired token
 * with 401 even on public routes, so sending one to /refresh would make refreshing impossible.
 * Sign-out routes are the exception: they name the session to end.
 */
export function isAnonymousAuthCall(url: string): boolean {
  const path = pathOf(url);
  return path.startsWith('/api/auth/') && path !== AUTH_API.logout && path !== AUTH_API.logoutAll;
}

/** Only our own API gets the token, never a third-party URL. */
export function isOwnApiCall(url: string): boolean {
  return pathOf(url).startsWith('/api/') && (url.startsWith('/') || url.startsWith(currentOrigin() + '/'));
}

function currentOrigin(): string {
  return typeof location === 'undefined' ? '' : location.origin;
}

function pathOf(url: string): string {
  const origin = currentOrigin();
  const relative = origin && url.startsWith(origin) ? url.slice(origin.length) : url;
  return relative.split(/[?#]/)[0] ?? '';
}
