import { MemoryRateLimiter } from '../../adapters/ratelimit/memory-rate-limiter.adapter';
import { rateLimiterContract } from './rate-limiter.contract';

rateLimiterContract('memory', async (clock) => new MemoryRateLimiter(clock));
