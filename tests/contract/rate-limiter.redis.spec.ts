import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisRateLimiter } from '../../adapters/ratelimit/redis-rate-limiter.adapter';
import { ManualClock } from '../kit/counter-projection';
import { rateLimiterContract } from './rate-limiter.contract';

// Redis is part of the development machine's setup and CI starts it: an unreachable Redis fails the suite.
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runPrefix = `switchboard:test:ratelimit:${randomBytes(6).toString('hex')}:`;
let redis: Redis;
let limiters = 0;

beforeAll(async () => {
  redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis rate-limiter contract suite: Redis at ${url} is unreachable (${(lastError ?? (error as Error)).message}). ` +
        'Start Redis (it belongs to this machine\'s setup; CI starts it) or point REDIS_URL at one.',
    );
  }
});

afterAll(async () => {
  if (redis?.status !== 'ready') return;
  const keys: string[] = [];
  const stream = redis.scanStream({ match: `${runPrefix}*`, count: 500 });
  for await (const batch of stream) keys.push(...(batch as string[]));
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

// One prefix per test inside the run's prefix: every test starts with no failures recorded.
rateLimiterContract('Redis', async (clock) => {
  limiters += 1;
  return new RedisRateLimiter(redis, clock, { prefix: `${runPrefix}${limiters}:` });
});

describe('RedisRateLimiter keys', () => {
  it('gives every record a TTL, so that Redis drops it without a sweep', async () => {
    const prefix = `${runPrefix}ttl:`;
    const limiter = new RedisRateLimiter(redis, new ManualClock(), { prefix });
    await limiter.fail('login:ip:10.1.1.1', { freeFailures: 0, baseDelayMs: 1_000, maxDelayMs: 10_000, windowMs: 60_000 });
    const ttl = await redis.pttl(`${prefix}login:ip:10.1.1.1`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await limiter.reset('login:ip:10.1.1.1');
    expect(await redis.exists(`${prefix}login:ip:10.1.1.1`)).toBe(0);
  });
});

describe('RedisRateLimiter across nodes', () => {
  it('counts failures sent concurrently by two nodes on their own connections', async () => {
    const clock = new ManualClock();
    const prefix = `${runPrefix}nodes:`;
    const nodeA = RedisRateLimiter.connect(url, clock, { prefix });
    const nodeB = RedisRateLimiter.connect(url, clock, { prefix });
    const rule = { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 900_000, windowMs: 60_000 };
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? nodeA : nodeB).fail('login:ip:10.2.2.2', rule)));
      expect(await nodeA.check('login:ip:10.2.2.2')).toEqual({ allowed: false, retryAfterMs: 900_000, failures: 20 });
      await nodeB.reset('login:ip:10.2.2.2');
      expect((await nodeA.check('login:ip:10.2.2.2')).failures).toBe(0);
    } finally {
      await Promise.all([nodeA.close(), nodeB.close()]);
    }
  });
});
