import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import request from 'supertest';
import WebSocket from 'ws';
import { AGENT_CLOSE } from '../../application/contracts/agent.protocol';
import type { ConsoleServerMessage } from '../../application/contracts/console.messages';
import type { ComputerDetailsRow } from '../../application/contracts/computers-live.contracts';
import { killAllServers, startServer, TEST_OPERATOR_TOKEN, type ServerProcess } from '../kit/server-process';
import { bearer, STRONG_PASSWORD } from './auth-kit';
import { deleteRedisKeys, signUpAcrossNodes } from './cluster-kit';
import { AgentSocket, enrollWithPassword, eventually } from './agent-kit';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two server processes as one cluster: they share the SQLite log and keys (SHARED_DATA_DIR), and
 * presence, agent routing and nothing else through Redis; each keeps its own DATA_DIR, read models
 * and console notices. An agent on node A is seen live by a console on node B, and B's console
 * actions reach the agent on A.
 */
describe('Two nodes sharing Redis', () => {
  const prefix = `switchboard:test:two-nodes:${randomBytes(6).toString('hex')}:`;
  let shared: string;
  let dirA: string;
  let dirB: string;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      throw new Error(`Two-node test: Redis at ${REDIS_URL} is unreachable (${(error as Error).message}); it belongs to this machine's setup`);
    } finally {
      redis.disconnect();
    }
    [shared, dirA, dirB] = await Promise.all(['shared', 'a', 'b'].map((n) => mkdtemp(path.join(os.tmpdir(), `switchboard-two-nodes-${n}-`))));
    const env = {
      REDIS_URL,
      SHARED_DATA_DIR: shared,
      PRESENCE_REDIS_PREFIX: prefix,
      // Back-off keys outlive a run (an hour); under this run's prefix they are deleted with the rest.
      RATE_LIMIT_REDIS_PREFIX: `${prefix}ratelimit:`,
      AUTH_SECRET: randomBytes(48).toString('base64'),
      AGENT_OFFLINE_GRACE_MS: '60000',
      DEMO_COMPUTER: 'off',
      LOG_LEVEL: 'warn',
    };
    a = await startServer({ dataDir: dirA, env: { ...env, NODE_ID: 'node-a' } });
    b = await startServer({ dataDir: dirB, env: { ...env, NODE_ID: 'node-b' } });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await killAllServers();
    await deleteRedisKeys(REDIS_URL, prefix);
    await Promise.all([shared, dirA, dirB].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('shows an agent connected to node A live to a console on node B, and routes B’s rename and removal to it', async () => {
    // A user registers on node A and signs in on node B: one account, one log.
    const email = `cluster-${randomUUID().slice(0, 8)}@example.com`;
    const { token } = await signUpAcrossNodes(a, dirA, b, email);

    const enrolled = await enrollWithPassword(a.url, email, STRONG_PASSWORD, undefined, 'Clustered PC');

    // The operator's console on node B watches the read models.
    const consoleB = new WebSocket(`${b.url.replace(/^http/, 'ws')}/console`);
    const notices: ConsoleServerMessage[] = [];
    consoleB.on('message', (data) => notices.push(JSON.parse(data.toString()) as ConsoleServerMessage));
    await new Promise<void>((resolve, reject) => {
      consoleB.once('open', () => resolve());
      consoleB.once('error', reject);
    });
    consoleB.send(JSON.stringify({ event: 'hello', data: { protocol: 1, token: TEST_OPERATOR_TOKEN } }));
    await eventually(() => notices.find((m) => m.event === 'welcome'), 'the console welcome on node B');
    consoleB.send(JSON.stringify({ event: 'subscribe', data: { topics: ['read-models'] } }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const from = notices.length;

    const agent = await AgentSocket.online(a.url, enrolled.agentKey);
    try {
      await eventually(
        () =>
          notices
            .slice(from)
            .find((m) => m.event === 'readModelUpdated' && m.data.collection.startsWith('computer-list') && m.data.id === enrolled.computerId),
        'node B’s console told that the computer on node A changed',
        10_000,
      );
      const seenOnB = await eventually(async () => {
        const res = await request(b.url).get(`/api/computers/${enrolled.computerId}`).set(bearer(token));
        return res.status === 200 && (res.body as ComputerDetailsRow).status === 'online' ? (res.body as ComputerDetailsRow) : undefined;
      }, 'the computer online on node B');
      expect(seenOnB).toMatchObject({ name: 'Clustered PC', location: '127.0.0.1, local network' });

      // Node B renames it; the agent's socket is on node A.
      const renamedFrom = agent.messages.length;
      await request(b.url).patch(`/api/computers/${enrolled.computerId}`).set(bearer(token)).send({ name: 'Renamed on B' }).expect(200);
      expect(await agent.next('rename', renamedFrom, 10_000)).toEqual({ type: 'rename', name: 'Renamed on B' });

      // Node B removes it; node A closes the link with 4401.
      await request(b.url).delete(`/api/computers/${enrolled.computerId}`).set(bearer(token)).expect(200);
      expect((await agent.closed).code).toBe(AGENT_CLOSE.UNAUTHORIZED);
    } finally {
      await agent.close();
      consoleB.close();
    }
  });
});
