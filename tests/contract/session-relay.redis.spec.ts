import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisSessionRelay } from '../../adapters/session-relay/redis-session-relay.adapter';
import { sessionRelayContract } from './session-relay.contract';

// Redis is part of the development machine's setup and CI starts it: an unreachable Redis fails the suite.
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runPrefix = `switchboard:test:session-relay:${randomBytes(6).toString('hex')}:`;
let admin: Redis;
let runs = 0;

beforeAll(async () => {
  admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.ping();
  } catch (error) {
    throw new Error(`Redis session relay contract suite: Redis at ${url} is unreachable (${(error as Error).message}). Start Redis or point REDIS_URL at one.`);
  }
});

afterAll(async () => {
  // Pub/sub leaves no keys behind; this only checks that nothing was written under the prefix.
  if (admin?.status !== 'ready') return;
  const keys: string[] = [];
  for await (const batch of admin.scanStream({ match: `${runPrefix}*`, count: 500 })) keys.push(...(batch as string[]));
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

// Each test gets its own prefix inside the run's: two relays on their own connections are two nodes.
sessionRelayContract('Redis', async () => {
  runs += 1;
  const prefix = `${runPrefix}${runs}:`;
  const [a, b] = await Promise.all([
    RedisSessionRelay.connect(url, { prefix, nodeId: 'node-a' }),
    RedisSessionRelay.connect(url, { prefix, nodeId: 'node-b' }),
  ]);
  return { a, b };
});

describe('RedisSessionRelay', () => {
  it('fails to connect with a clear message when Redis is unreachable', async () => {
    await expect(RedisSessionRelay.connect('redis://127.0.0.1:1', { prefix: `${runPrefix}down:` })).rejects.toThrow(/Session relay: Redis at redis:\/\/127\.0\.0\.1:1\/? is unreachable/);
  });

  it('ignores a message from another deployment’s node that does not follow the envelope', async () => {
    const prefix = `${runPrefix}raw:`;
    const relay = await RedisSessionRelay.connect(url, { prefix });
    try {
      const seen: unknown[] = [];
      relay.subscribeViewers('session-1', (p) => seen.push(p));
      await relay.ready();
      await admin.publish(`${prefix}v:session-1`, Buffer.from([200]));
      await admin.publish(`${prefix}v:session-1`, Buffer.concat([Buffer.from([1]), Buffer.from('x'), Buffer.from([1, 9, 8])]));
      const deadline = Date.now() + 2000;
      while (seen.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(seen).toEqual([{ binary: Buffer.from([9, 8]) }]);
    } finally {
      await relay.close();
    }
  });
});
