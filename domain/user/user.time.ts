/** Refresh tokens live 30 days, renewed at each rotation. */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** A recovery link works for one hour. */
export const RECOVERY_TOKEN_TTL_MS = 60 * 60 * 1000;

/** `iso` plus `ms`, as an ISO string. Arithmetic on the command's time: it never reads the clock. */
export function addMilliseconds(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

/** `expiresAt` is at or before `now`. */
export const hasExpired = (expiresAt: string, now: string): boolean => Date.parse(expiresAt) <= Date.parse(now);
