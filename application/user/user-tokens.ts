/**
 * Refresh tokens and recovery links carry the ids they belong to in front of a 256-bit secret, so
 * that the user's stream (the only authority on them) is found without a lookup table:
 * refresh `<userId>.<sessionId>.<secret>`, recovery `<userId>.<secret>`. Only their SHA-256 is stored.
 */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const SECRET = /^[A-Za-z0-9_-]{43,128}$/;

export const composeRefreshToken = (userId: string, sessionId: string, secret: string): string => `${userId}.${sessionId}.${secret}`;

export function parseRefreshToken(token: unknown): { userId: string; sessionId: string } | null {
  if (typeof token !== 'string') return null;
  const [userId, sessionId, secret, ...rest] = token.split('.');
  if (rest.length > 0 || !ID.test(userId ?? '') || !ID.test(sessionId ?? '') || !SECRET.test(secret ?? '')) return null;
  return { userId, sessionId };
}

export const composeRecoveryToken = (userId: string, secret: string): string => `${userId}.${secret}`;

export function parseRecoveryToken(token: unknown): { userId: string } | null {
  if (typeof token !== 'string') return null;
  const [userId, secret, ...rest] = token.split('.');
  if (rest.length > 0 || !ID.test(userId ?? '') || !SECRET.test(secret ?? '')) return null;
  return { userId };
}
