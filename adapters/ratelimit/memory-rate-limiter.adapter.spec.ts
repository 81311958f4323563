import { ManualClock } from '../../tests/kit/counter-projection';
import { MemoryRateLimiter } from './memory-rate-limiter.adapter';

const RULE = { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 60_000, windowMs: 60_000 };

describe('MemoryRateLimiter', () => {
  it('sweeps expired keys, so that a stream of distinct IPs does not grow memory forever', async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter(clock);
    for (let i = 0; i < 999; i += 1) await limiter.fail(`login:ip:10.0.${i >> 8}.${i & 255}`, RULE);
    expect(limiter.size).toBe(999);
    clock.advance(RULE.windowMs);
    await limiter.fail('login:ip:192.168.0.1', RULE);
    expect(limiter.size).toBe(1);
  });

  it('keeps a still-live key through a sweep', async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter(clock);
    for (let i = 0; i < 998; i += 1) await limiter.fail(`old:${i}`, RULE);
    clock.advance(RULE.windowMs - 1);
    await limiter.fail('recent', RULE);
    clock.advance(1);
    await limiter.fail('recent', RULE);
    expect(limiter.size).toBe(1);
    expect((await limiter.check('recent')).failures).toBe(2);
  });
});
