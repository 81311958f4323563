import Redis from 'ioredis';
import type { Clock } from '../../application/ports/clock.port';
import {
  type BackoffRule,
  type RateLimiter,
  type RateLimitFailure,
  type RateLimitStatus,
  assertBackoffRule,
} from '../../application/ports/rate-limiter.port';

export const DEFAULT_RATE_LIMIT_PREFIX = 'switchboard:ratelimit:';

/**
 * Counts one failure in one round trip, so that concurrent failures from several nodes are all counted.
 * The caller's clock arrives as ARGV[1] (not Redis TIME): every node and the tests agree on one time source.
 * The record (f = failures, b = blocked until, e = forgotten at) also gets a real TTL so that Redis drops it.
 * The arithmetic mirrors `backoffDelayMs` in the port, exponent clamp included.
 */
const FAIL_SCRIPT = `
local now = tonumber(ARGV[1])
local free = tonumber(ARGV[2])
local base = tonumber(ARGV[3])
local cap = tonumber(ARGV[4])
local window = tonumber(ARGV[5])
local rec = redis.call('HMGET', KEYS[1], 'f', 'b', 'e')
local failures = 0
local blocked_until = 0
if rec[3] and now < tonumber(rec[3]) then
  failures = tonumber(rec[1])
  blocked_until = tonumber(rec[2])
end
failures = failures + 1
local delay = 0
if failures > free and base > 0 then
  delay = math.min(cap, base * 2 ^ math.min(failures - free - 1, 40))
end
blocked_until = math.max(blocked_until, now + delay)
local expires_at = math.max(now + window, blocked_until)
redis.call('HSET', KEYS[1], 'f', string.format('%d', failures), 'b', string.format('%d', blocked_until), 'e', string.format('%d', expires_at))
redis.call('PEXPIRE', KEYS[1], math.max(1, expires_at - now))
return {failures, delay}
`;

interface RateLimitCommands {
  switchboardRateLimitFail(key: string, ...args: (string | number)[]): Promise<[number, number]>;
}

export interface RedisRateLimiterOptions {
  /** Prepended to every key, so that several deployments or test runs can share one Redis. */
  readonly prefix?: string;
  /** Whether `close()` quits the connection (true when the limiter opened it). */
  readonly ownsClient?: boolean;
}

/** The limiter shared by every server node through Redis (REDIS_URL). */
export class RedisRateLimiter implements RateLimiter {
  readonly prefix: string;
  private readonly ownsClient: boolean;

  constructor(
    readonly redis: Redis,
    private readonly clock: Clock,
    options: RedisRateLimiterOptions = {},
  ) {
    this.prefix = options.prefix ?? DEFAULT_RATE_LIMIT_PREFIX;
    this.ownsClient = options.ownsClient ?? false;
    // defineCommand sends EVALSHA and falls back to EVAL once when the script cache is empty.
    redis.defineCommand('switchboardRateLimitFail', { numberOfKeys: 1, lua: FAIL_SCRIPT });
  }

  /**
   * Opens its own connection. A login must not hang on a lost Redis: commands fail after a few quick
   * retries and the caller decides what a refused check means.
   */
  static connect(url: string, clock: Clock, options: Omit<RedisRateLimiterOptions, 'ownsClient'> = {}): RedisRateLimiter {
    const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5_000 });
    return new RedisRateLimiter(redis, clock, { ...options, ownsClient: true });
  }

  async check(key: string): Promise<RateLimitStatus> {
    const now = this.nowMs();
    const [failures, blockedUntil, expiresAt] = await this.redis.hmget(this.prefix + key, 'f', 'b', 'e');
    // A record past its window by the caller's clock is forgotten even if Redis has not dropped it yet.
    if (failures === null || blockedUntil === null || expiresAt === null || now >= Number(expiresAt)) {
      return { allowed: true, retryAfterMs: 0, failures: 0 };
    }
    const retryAfterMs = Math.max(0, Number(blockedUntil) - now);
    return { allowed: retryAfterMs === 0, retryAfterMs, failures: Number(failures) };
  }

  async fail(key: string, rule: BackoffRule): Promise<RateLimitFailure> {
    assertBackoffRule(rule);
    const commands = this.redis as unknown as RateLimitCommands;
    const [failures, blockedForMs] = await commands.switchboardRateLimitFail(
      this.prefix + key,
      this.nowMs(),
      rule.freeFailures,
      rule.baseDelayMs,
      rule.maxDelayMs,
      rule.windowMs,
    );
    return { blockedForMs: Number(blockedForMs), failures: Number(failures) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.redis.quit();
  }

  private nowMs(): number {
    return Date.parse(this.clock.now());
  }
}
