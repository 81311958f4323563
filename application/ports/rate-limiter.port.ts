export const RATE_LIMITER = Symbol('RateLimiter');

/**
 * How failures on one key turn into waiting time. The first `freeFailures` cost nothing; the k-th failure
 * after them blocks the key for `baseDelayMs * 2^(k-1)`, capped at `maxDelayMs`. The count is forgotten
 * `windowMs` after the last failure (or when the block ends, whichever is later), or at once by `reset`.
 */
export interface BackoffRule {
  readonly freeFailures: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly windowMs: number;
}

/** Sign-in back-off: 5 free failures, then 1 s, 2 s, 4 s … up to 15 minutes; forgotten after a quiet day. */
export const LOGIN_BACKOFF: BackoffRule = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  windowMs: 24 * 60 * 60_000,
};

export interface RateLimitStatus {
  /** False while the key is blocked by its last failures. */
  readonly allowed: boolean;
  /** How long until the key may try again (0 when allowed); the HTTP adapter sends it as Retry-After. */
  readonly retryAfterMs: number;
  /** Failures counted in the current window. */
  readonly failures: number;
}

export interface RateLimitFailure {
  /** How long this failure blocks the key (0 while failures are still free). */
  readonly blockedForMs: number;
  /** Failures counted in the current window, this one included. */
  readonly failures: number;
}

/**
 * Failure counting with exponential back-off, per key (`login:account:<email-hash>`, `login:ip:<ip>`).
 * Time comes from the injected Clock. A caller checks every key that applies before the attempt,
 * records a failure on each after a refused attempt, and resets the account key after a success.
 */
export interface RateLimiter {
  /** Whether the key may try now; reading never counts as a failure. */
  check(key: string): Promise<RateLimitStatus>;
  /** Counts one failure atomically (concurrent failures are all counted) and starts the block it earns. */
  fail(key: string, rule: BackoffRule): Promise<RateLimitFailure>;
  /** Forgets the key's failures and block, after a success. */
  reset(key: string): Promise<void>;
  /** Releases connections; the limiter is not used afterwards. */
  close(): Promise<void>;
}

/** Past this many doublings every delay is already at any sensible cap. */
const MAX_DOUBLINGS = 40;

/** The back-off that the `failures`-th failure earns under `rule` (0 while still free). */
export function backoffDelayMs(rule: BackoffRule, failures: number): number {
  const beyond = failures - rule.freeFailures;
  if (beyond <= 0 || rule.baseDelayMs === 0) return 0;
  // The exponent is clamped so that the product stays finite; the cap is reached far earlier.
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** Math.min(beyond - 1, MAX_DOUBLINGS));
}

/** Refuses a rule that would make the arithmetic meaningless (negative, fractional or non-finite values). */
export function assertBackoffRule(rule: BackoffRule): void {
  for (const field of ['freeFailures', 'baseDelayMs', 'maxDelayMs', 'windowMs'] as const) {
    const value = rule[field];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`BackoffRule.${field} must be a non-negative integer, got ${String(value)}`);
    }
  }
}
