/**
 * Agent keys and enrollment tokens carry the id of the stream that is the only authority on them
 * in front of a 256-bit secret, so that no lookup table is needed: agent key
 * `<computerId>.<secret>`, enrollment token and add-computer link `<accountId>.<secret>`.
 * Only their SHA-256 is stored. Ids never contain a dot followed by a secret-shaped tail, so the
 * last dot splits them.
 */
const ID = /^[A-Za-z0-9_][A-Za-z0-9_:-]{0,127}$/;
const SECRET = /^[A-Za-z0-9_-]{22,128}$/;

export const composeAgentKey = (computerId: string, secret: string): string => `${computerId}.${secret}`;
export const composeEnrollmentToken = (accountId: string, secret: string): string => `${accountId}.${secret}`;

function split(token: unknown): { id: string } | null {
  if (typeof token !== 'string' || token.length > 300) return null;
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  return ID.test(id) && SECRET.test(secret) ? { id } : null;
}

/** The computer an agent key names, or null when it is not shaped like one. */
export function parseAgentKey(key: unknown): { computerId: string } | null {
  const parts = split(key);
  return parts ? { computerId: parts.id } : null;
}

/** The account an enrollment token or add-computer link names, or null when it is not shaped like one. */
export function parseEnrollmentToken(token: unknown): { accountId: string } | null {
  const parts = split(token);
  return parts ? { accountId: parts.id } : null;
}
