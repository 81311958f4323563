import type { BackoffRule, RateLimiter } from '../../application/ports/rate-limiter.port';
import { LOGIN_BACKOFF } from '../../application/ports/rate-limiter.port';
import { ManualClock } from '../kit/counter-projection';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** Small numbers that make each step visible: 2 free failures, then 1 s, 2 s, 4 s, capped at 5 s; forgotten after 1 min. */
const RULE: BackoffRule = { freeFailures: 2, baseDelayMs: SECOND, maxDelayMs: 5 * SECOND, windowMs: MINUTE };

/**
 * The RateLimiter contract: the memory and Redis limiters count, block, forget and reset alike.
 * `makeLimiter` must give a limiter with no recorded failures, reading time from the given clock.
 */
export function rateLimiterContract(name: string, makeLimiter: (clock: ManualClock) => Promise<RateLimiter>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let clock: ManualClock;
    let limiter: RateLimiter;

    beforeEach(async () => {
      clock = new ManualClock();
      limiter = await makeLimiter(clock);
    });

    afterEach(async () => {
      await limiter.close();
    });

    async function failTimes(key: string, times: number, rule = RULE): Promise<number[]> {
      const delays: number[] = [];
      for (let i = 0; i < times; i += 1) delays.push((await limiter.fail(key, rule)).blockedForMs);
      return delays;
    }

    it('allows a key it has never seen', async () => {
      expect(await limiter.check('login:ip:10.0.0.1')).toEqual({ allowed: true, retryAfterMs: 0, failures: 0 });
    });

    it('lets the free failures through and counts them', async () => {
      expect(await failTimes('k', 2)).toEqual([0, 0]);
      expect(await limiter.check('k')).toEqual({ allowed: true, retryAfterMs: 0, failures: 2 });
    });

    it('doubles the block with each failure after the free ones', async () => {
      expect(await failTimes('k', 5)).toEqual([0, 0, 1 * SECOND, 2 * SECOND, 4 * SECOND]);
      expect(await limiter.check('k')).toEqual({ allowed: false, retryAfterMs: 4 * SECOND, failures: 5 });
    });

    it('blocks until the delay has passed, then allows again without forgetting the count', async () => {
      await failTimes('k', 4);
      clock.advance(2 * SECOND - 1);
      expect(await limiter.check('k')).toEqual({ allowed: false, retryAfterMs: 1, failures: 4 });
      clock.advance(1);
      expect(await limiter.check('k')).toEqual({ allowed: true, retryAfterMs: 0, failures: 4 });
      expect(await limiter.fail('k', RULE)).toEqual({ blockedForMs: 4 * SECOND, failures: 5 });
    });

    it('caps the block at the maximum delay', async () => {
      expect(await failTimes('k', 7)).toEqual([0, 0, 1 * SECOND, 2 * SECOND, 4 * SECOND, 5 * SECOND, 5 * SECOND]);
      expect((await limiter.check('k')).retryAfterMs).toBe(5 * SECOND);
    });

    it('sign-in back-off: five free failures, then 1 s doubling up to 15 minutes, even after very many', async () => {
      const delays = await failTimes('login:account:abc', 16, LOGIN_BACKOFF);
      expect(delays.slice(0, 6)).toEqual([0, 0, 0, 0, 0, SECOND]);
      expect(delays.slice(9, 16)).toEqual([16, 32, 64, 128, 256, 512, 900].map((s) => s * SECOND));
      const many = await failTimes('login:account:abc', 60, LOGIN_BACKOFF);
      expect(many[many.length - 1]).toBe(15 * MINUTE);
      expect(await limiter.check('login:account:abc')).toEqual({
        allowed: false,
        retryAfterMs: 15 * MINUTE,
        failures: 76,
      });
    });

    it('reset forgets the failures and lifts the block', async () => {
      await failTimes('k', 5);
      await limiter.reset('k');
      expect(await limiter.check('k')).toEqual({ allowed: true, retryAfterMs: 0, failures: 0 });
      expect(await failTimes('k', 3)).toEqual([0, 0, SECOND]);
    });

    it('resetting a key it has never seen does nothing', async () => {
      await expect(limiter.reset('nobody')).resolves.toBeUndefined();
      expect((await limiter.check('nobody')).failures).toBe(0);
    });

    it('forgets the failures a window after the last one', async () => {
      await failTimes('k', 2);
      clock.advance(MINUTE - 1);
      expect((await limiter.check('k')).failures).toBe(2);
      clock.advance(1);
      expect(await limiter.check('k')).toEqual({ allowed: true, retryAfterMs: 0, failures: 0 });
      expect(await limiter.fail('k', RULE)).toEqual({ blockedForMs: 0, failures: 1 });
    });

    it('each failure starts the window again', async () => {
      await failTimes('k', 1);
      clock.advance(MINUTE - 1);
      await failTimes('k', 1);
      clock.advance(MINUTE - 1);
      expect(await limiter.fail('k', RULE)).toEqual({ blockedForMs: SECOND, failures: 3 });
    });

    it('keeps a block that outlasts the window until it ends', async () => {
      const shortWindow: BackoffRule = { freeFailures: 0, baseDelayMs: 10 * SECOND, maxDelayMs: MINUTE, windowMs: SECOND };
      expect(await failTimes('k', 1, shortWindow)).toEqual([10 * SECOND]);
      clock.advance(5 * SECOND);
      expect(await limiter.check('k')).toEqual({ allowed: false, retryAfterMs: 5 * SECOND, failures: 1 });
      clock.advance(5 * SECOND);
      expect(await limiter.check('k')).toEqual({ allowed: true, retryAfterMs: 0, failures: 0 });
    });

    it('keeps keys independent, even when one key is a prefix of another', async () => {
      await failTimes('login:ip:10.0.0.1', 4);
      await failTimes('login:ip:10.0.0.12', 1);
      expect(await limiter.check('login:ip:10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 2 * SECOND, failures: 4 });
      expect(await limiter.check('login:ip:10.0.0.12')).toEqual({ allowed: true, retryAfterMs: 0, failures: 1 });
      expect((await limiter.check('login:account:10.0.0.1')).failures).toBe(0);
      await limiter.reset('login:ip:10.0.0.1');
      expect((await limiter.check('login:ip:10.0.0.12')).failures).toBe(1);
    });

    it('counts concurrent failures exactly', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => limiter.fail('login:ip:10.9.9.9', RULE)));
      expect(results.map((r) => r.failures).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await limiter.check('login:ip:10.9.9.9')).toEqual({ allowed: false, retryAfterMs: 5 * SECOND, failures: 20 });
    });

    it('never blocks under a rule with no base delay', async () => {
      expect(await failTimes('k', 50, { ...RULE, baseDelayMs: 0 })).toEqual(Array.from({ length: 50 }, () => 0));
      expect(await limiter.check('k')).toEqual({ allowed: true, retryAfterMs: 0, failures: 50 });
    });

    it('refuses a rule with negative or fractional values, counting nothing', async () => {
      await expect(limiter.fail('k', { ...RULE, baseDelayMs: -1 })).rejects.toThrow(RangeError);
      await expect(limiter.fail('k', { ...RULE, windowMs: 1.5 })).rejects.toThrow(RangeError);
      expect((await limiter.check('k')).failures).toBe(0);
    });
  });
}
