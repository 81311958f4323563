export const PASSWORD_HASHER = Symbol('PasswordHasher');

/** Slow, salted password hashing (argon2id). Hashes are self-describing strings (algorithm, parameters, salt). */
export interface PasswordHasher {
  /** A new salted hash of the password. */
  hash(password: string): Promise<string>;
  /** Whether the password matches the hash; false, never an error, for a hash it cannot read. */
  verify(hash: string, password: string): Promise<boolean>;
}
