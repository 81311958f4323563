import type { Clock } from '../../application/ports/clock.port';
import {
  type BackoffRule,
  type RateLimiter,
  type RateLimitFailure,
  type RateLimitStatus,
  assertBackoffRule,
  backoffDelayMs,
} from '../../application/ports/rate-limiter.port';

interface Entry {
  failures: number;
  blockedUntilMs: number;
  /** When the entry is forgotten: the later of the window after the last failure and the end of the block. */
  expiresAtMs: number;
}

/** How many writes between sweeps of expired entries, so that a stream of distinct IPs cannot grow the map forever. */
const SWEEP_EVERY = 1_000;

/** The in-process limiter, for one node (the embedded default). Several nodes share the Redis one. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly entries = new Map<string, Entry>();
  private writes = 0;

  constructor(private readonly clock: Clock) {}

  async check(key: string): Promise<RateLimitStatus> {
    const now = this.nowMs();
    const entry = this.live(key, now);
    if (!entry) return { allowed: true, retryAfterMs: 0, failures: 0 };
    const retryAfterMs = Math.max(0, entry.blockedUntilMs - now);
    return { allowed: retryAfterMs === 0, retryAfterMs, failures: entry.failures };
  }

  async fail(key: string, rule: BackoffRule): Promise<RateLimitFailure> {
    assertBackoffRule(rule);
    const now = this.nowMs();
    if (++this.writes % SWEEP_EVERY === 0) this.sweep(now);
    const entry = this.live(key, now) ?? { failures: 0, blockedUntilMs: 0, expiresAtMs: 0 };
    entry.failures += 1;
    const blockedForMs = backoffDelayMs(rule, entry.failures);
    entry.blockedUntilMs = Math.max(entry.blockedUntilMs, now + blockedForMs);
    entry.expiresAtMs = Math.max(now + rule.windowMs, entry.blockedUntilMs);
    this.entries.set(key, entry);
    return { blockedForMs, failures: entry.failures };
  }

  async reset(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Entries kept, expired ones included until the next sweep (for tests of the bound). */
  get size(): number {
    return this.entries.size;
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && now >= entry.expiresAtMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) if (now >= entry.expiresAtMs) this.entries.delete(key);
  }

  private nowMs(): number {
    return Date.parse(this.clock.now());
  }
}
