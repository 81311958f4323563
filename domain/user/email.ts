/** Emails are compared lower-cased and trimmed: one person, one address, whatever the case they type. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const EMAIL_MAX = 254;

/**
 * A deliberately plain check: one @, a non-empty local part, a dotted domain, no spaces, at most
 * 254 characters. Whether the address works is proved by the mail, not by a pattern.
 */
export function isValidEmail(email: string): boolean {
  if (email.length > EMAIL_MAX) return false;
  return /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/.test(email);
}
