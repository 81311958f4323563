import * as argon2 from 'argon2';
import type { PasswordHasher } from '../../application/ports/password-hasher.port';

export interface Argon2Options {
  /** KiB of memory per hash; 19 MiB by default (OWASP's argon2id baseline). */
  readonly memoryCost?: number;
  /** Passes over memory; 2 by default. */
  readonly timeCost?: number;
  readonly parallelism?: number;
}

/** OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. */
export const ARGON2_DEFAULTS: Required<Argon2Options> = { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

/** Passwords hashed with argon2id; the parameters travel inside each hash, so raising them later keeps old hashes valid. */
export class Argon2PasswordHasher implements PasswordHasher {
  private readonly options: Required<Argon2Options>;

  constructor(options: Argon2Options = {}) {
    this.options = { ...ARGON2_DEFAULTS, ...options };
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.options });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    if (!hash.startsWith('$argon2')) return false;
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A damaged or foreign hash verifies nothing; it must not turn a sign-in into a 500.
      return false;
    }
  }
}
