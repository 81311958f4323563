import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisPresenceStore } from '../../adapters/presence/redis-presence-store.adapter';
import { presenceContract } from './presence.contract';

// Redis is part of the development machine's setup and CI starts it: an unreachable Redis fails the suite.
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runPrefix = `switchboard:test:presence:${randomBytes(6).toString('hex')}:`;
let admin: Redis;
let runs = 0;

beforeAll(async () => {
  admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.ping();
  } catch (error) {
    throw new Error(`Redis presence contract suite: Redis at ${url} is unreachable (${(error as Error).message}). Start Redis or point REDIS_URL at one.`);
  }
});

afterAll(async () => {
  if (admin?.status !== 'ready') return;
  const keys: string[] = [];
  for await (const batch of admin.scanStream({ match: `${runPrefix}*`, count: 500 })) keys.push(...(batch as string[]));
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

// Each test gets its own prefix inside the run's: two stores on their own connections are two nodes.
presenceContract('Redis', async () => {
  runs += 1;
  const prefix = `${runPrefix}${runs}:`;
  const [a, b] = await Promise.all([RedisPresenceStore.connect(url, { prefix }), RedisPresenceStore.connect(url, { prefix })]);
  return { a, b };
});

describe('RedisPresenceStore', () => {
  it('fails to connect with a clear message when Redis is unreachable', async () => {
    await expect(RedisPresenceStore.connect('redis://127.0.0.1:1', { prefix: `${runPrefix}down:` })).rejects.toThrow(/Presence: Redis at redis:\/\/127\.0\.0\.1:1\/? is unreachable/);
  });
});
