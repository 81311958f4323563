import { createHash, randomBytes } from 'node:crypto';
import type { OpaqueTokens } from '../../application/ports/access-tokens.port';

/** 256 random bits from the CSPRNG, base64url (43 characters): unguessable and safe in URLs. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 hex of a token: what events and read models store. The token already carries 256 random bits,
 * so a fast unsalted hash is enough (nothing to brute-force) and lets the store look a token up by its hash.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The OpaqueTokens port over node:crypto. */
export class CryptoOpaqueTokens implements OpaqueTokens {
  newToken(): string {
    return newOpaqueToken();
  }

  hash(token: string): string {
    return hashToken(token);
  }
}
