export const SECRET_GENERATOR = Symbol('SecretGenerator');

/** Secrets from a cryptographically secure generator, and the digest under which tokens are stored. */
export interface SecretGenerator {
  /** A password of `length` characters mixing lower and upper case, digits and symbols. */
  password(length: number): string;
  /** A 256-bit random token, base64url. */
  token(): string;
  /** SHA-256 of the UTF-8 text, lower-case hex: what is stored of a token, and an email's claim id. */
  digest(text: string): string;
}
