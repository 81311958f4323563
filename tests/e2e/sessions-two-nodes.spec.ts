import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import request from 'supertest';
import { encodeFrame, FRAME_KIND, SESSION_CLOSE, type ScreenTile } from '../../application/contracts/session.protocol';
import type { SessionRow } from '../../application/contracts/session-history.contracts';
import { AgentProcess } from '../kit/agent-process';
import { buildPrivately, privateBuildEnv } from '../kit/private-build';
import { killAllServers, startServer, type ServerProcess } from '../kit/server-process';
import { AgentSocket, enrollWithPassword, eventually } from './agent-kit';
import { bearer, STRONG_PASSWORD } from './auth-kit';
import { deleteRedisKeys, signUpAcrossNodes } from './cluster-kit';
import { ViewerClient } from './session-viewer';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A screen frame of `tiles` tiles with `tileBytes` of payload each (the server relays it without looking at the images). */
function screenFrame(sessionId: string, seq: number, keyframe: boolean, tileBytes: number, tiles: number): Buffer {
  const list: ScreenTile[] = Array.from({ length: tiles }, (_, i) => ({ x: (i % 16) * 64, y: Math.floor(i / 16) * 64, w: 64, h: 64, f: 'jpeg', n: tileBytes }));
  return Buffer.from(encodeFrame(FRAME_KIND.SCREEN, { s: sessionId, q: seq, t: Date.now(), w: 1024, h: 1024, k: keyframe, tiles: list }, randomBytes(tileBytes * tiles)));
}

/**
 * A remote session across two server processes sharing Redis (presence, agent routing, the session
 * relay, rate limits) and the SQLite log and keys (SHARED_DATA_DIR): the agent's socket is on node A,
 * the technician's console on node B. Session control reaches the agent on A, its frames reach B
 * byte for byte, and input, prompt bytes and the end go back.
 */
describe('A remote session across two nodes sharing Redis', () => {
  const prefix = `switchboard:test:session-nodes:${randomBytes(6).toString('hex')}:`;
  let shared: string;
  let dirA: string;
  let dirB: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let serverBuild: string;
  let agentBuild: string;
  let agentMain: string;
  let email: string;
  let token: string;
  let userId: string;
  const closing: { close(): Promise<void> }[] = [];
  const agents: AgentProcess[] = [];

  /** Registers on node A, signs in and sets the password on node B: one account, one log. */
  async function technicianOnB(): Promise<void> {
    email = `session-nodes-${randomUUID().slice(0, 8)}@example.com`;
    ({ token, userId } = await signUpAcrossNodes(a, dirA, b, email));
  }

  beforeAll(async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      throw new Error(`Two-node session test: Redis at ${REDIS_URL} is unreachable (${(error as Error).message}); it belongs to this machine's setup`);
    } finally {
      redis.disconnect();
    }
    // Both programs built from the sources of this checkout, never a stale dist/.
    const [server, agent] = await Promise.all([buildPrivately('adapters/nest/main.ts', 'server-build'), buildPrivately('agent/src/main.ts', 'agent-build')]);
    serverBuild = server.root;
    agentBuild = agent.root;
    agentMain = agent.main;
    [shared, dirA, dirB] = await Promise.all(['shared', 'a', 'b'].map((n) => mkdtemp(path.join(os.tmpdir(), `switchboard-session-nodes-${n}-`))));
    const env = {
      ...privateBuildEnv,
      REDIS_URL,
      SHARED_DATA_DIR: shared,
      PRESENCE_REDIS_PREFIX: prefix,
      SESSION_RELAY_REDIS_PREFIX: `${prefix}relay:`,
      // Back-off keys outlive a run (an hour); under this run's prefix they are deleted with the rest.
      RATE_LIMIT_REDIS_PREFIX: `${prefix}ratelimit:`,
      AUTH_SECRET: randomBytes(48).toString('base64'),
      AGENT_OFFLINE_GRACE_MS: '60000',
      DEMO_COMPUTER: 'off',
      LOG_LEVEL: 'warn',
    };
    a = await startServer({ main: server.main, dataDir: dirA, env: { ...env, NODE_ID: 'node-a' } });
    b = await startServer({ main: server.main, dataDir: dirB, env: { ...env, NODE_ID: 'node-b' } });
    await technicianOnB();
  }, 120_000);

  afterEach(async () => {
    await Promise.all(closing.splice(0).map((s) => s.close()));
    await Promise.all(agents.splice(0).map((agent) => agent.kill()));
  });

  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await killAllServers();
    await deleteRedisKeys(REDIS_URL, prefix);
    await Promise.all([shared, dirA, dirB, serverBuild, agentBuild].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('one click on node B: session-start reaches the agent on node A; frames reach B unchanged; input, prompt bytes and the end go back', async () => {
    const enrolled = await enrollWithPassword(a.url, email, STRONG_PASSWORD, undefined, 'Agent on A');
    const agent = await AgentSocket.online(a.url, enrolled.agentKey);
    closing.push(agent);
    await eventually(async () => {
      const res = await request(b.url).get(`/api/computers/${enrolled.computerId}`).set(bearer(token));
      return res.status === 200 && res.body.status === 'online';
    }, 'the computer online on node B', 10_000);

    const opened = await request(b.url).post('/api/sessions').set(bearer(token)).send({ computerId: enrolled.computerId }).expect(201);
    const { sessionId } = opened.body as { sessionId: string };
    const viewer = await ViewerClient.join(b.url, sessionId, token);
    closing.push(viewer);
    expect(viewer.messages[0]).toMatchObject({ type: 'welcome', sessionId, computerName: 'Agent on A', source: 'console' });
    expect(await agent.next('session-start', 0, 10_000)).toEqual({ type: 'session-start', sessionId, maxFps: 15, quality: 70 });
    await eventually(() => viewer.messages.some((m) => m.type === 'state' && m.agent === 'connected'), 'the agent on A connected, as B sees it', 10_000);

    // Frames from A to B, byte for byte: a large keyframe, then a small delta.
    const keyframe = screenFrame(sessionId, 0, true, 24 * 1024, 12);
    const delta = screenFrame(sessionId, 1, false, 700, 1);
    agent.send(keyframe);
    agent.send(delta);
    await eventually(() => viewer.frames.length >= 2, 'two frames on node B', 10_000);
    expect(viewer.frames[0].equals(keyframe)).toBe(true);
    expect(viewer.frames[1].equals(delta)).toBe(true);

    // Input and acks from B to A.
    viewer.send({ type: 'input', events: [{ t: 'move', x: 12, y: 34 }, { t: 'text', s: 'from node B' }] });
    viewer.send({ type: 'ack', seq: 1 });
    expect(await agent.next('input', 0, 10_000)).toEqual({ type: 'input', sessionId, events: [{ t: 'move', x: 12, y: 34 }, { t: 'text', s: 'from node B' }] });
    expect(await agent.next('ack', 0, 10_000)).toEqual({ type: 'ack', sessionId, seq: 1 });

    // Prompt bytes both ways.
    viewer.send({ type: 'prompt-open', promptId: 'n1', cols: 100, rows: 30 });
    await viewer.next('prompt-opened');
    expect(await agent.next('prompt-open', 0, 10_000)).toEqual({ type: 'prompt-open', sessionId, promptId: 'n1', cols: 100, rows: 30 });
    viewer.send({ type: 'prompt-data', promptId: 'n1', data: 'uname -a\r' });
    expect(await agent.next('prompt-data', 0, 10_000)).toEqual({ type: 'prompt-data', sessionId, promptId: 'n1', data: 'uname -a\r' });
    const output = Buffer.from(encodeFrame(FRAME_KIND.PROMPT_OUTPUT, { s: sessionId, p: 'n1' }, Buffer.from('uname -a\r\nLinux agent-on-a 6.8.0 x86_64\r\n$ ')));
    agent.send(output);
    await eventually(() => viewer.frames.length >= 3, 'the prompt output on node B', 10_000);
    expect(viewer.frames[2].equals(output)).toBe(true);
    agent.send({ type: 'prompt-exit', sessionId, promptId: 'n1', code: 0 });
    expect(await viewer.next('prompt-exit')).toEqual({ type: 'prompt-exit', promptId: 'n1', code: 0 });

    // B ends the session; A's agent hears it.
    viewer.send({ type: 'end' });
    expect(await viewer.next('ended')).toEqual({ type: 'ended', reason: 'technician' });
    expect((await viewer.closed).code).toBe(SESSION_CLOSE.ENDED);
    expect(await agent.next('session-end', 0, 10_000)).toEqual({ type: 'session-end', sessionId, reason: 'technician' });

    // Both nodes' read models follow the one log: the history shows the session and its command line.
    for (const node of [a, b]) {
      const row = await eventually(async () => {
        const res = await request(node.url).get('/api/sessions/history').query({ source: 'console' }).set(bearer(token)).expect(200);
        return (res.body.items as SessionRow[]).find((r) => r.id === sessionId && r.status === 'ended');
      }, `the ended session in node ${node === a ? 'A' : 'B'}’s history`, 10_000);
      expect(row).toMatchObject({ computerId: enrolled.computerId, endReason: 'technician', commandLineCount: 1, technicians: [{ userId }] });
    }
  }, 60_000);

  it('the real agent joins a support link on node A; the console on node B sees its screen, types into its shell and ends the session', async () => {
    const link = await request(b.url).post('/api/sessions/links').set(bearer(token)).send({ endUserName: 'Ann' }).expect(201);
    const { sessionId, url } = link.body as { sessionId: string; url: string };
    // The link names node B; the end-user's agent reaches node A (another node behind the same name).
    const onA = url.replace(b.url, a.url);
    expect(onA).not.toBe(url);
    const agent = AgentProcess.start(agentMain, ['--support-link', onA, '--name', 'Ann'], { SHELL: '/bin/sh' });
    agents.push(agent);
    await eventually(
      async () => {
        if (!agent.running) throw new Error(`the agent exited:\n${agent.output}`);
        const res = await request(b.url).get('/api/sessions').query({ status: 'waiting' }).set(bearer(token)).expect(200);
        return (res.body.items as SessionRow[]).some((r) => r.id === sessionId && r.endUsers.some((u) => u.name === 'Ann' && u.present));
      },
      'Ann waiting, as node B sees it',
      15_000,
    );

    const viewer = await ViewerClient.join(b.url, sessionId, token);
    closing.push(viewer);
    const keyframe = await eventually(() => viewer.screenFrames()[0], 'the agent’s first screen frame on node B', 15_000);
    expect(keyframe.header).toMatchObject({ s: sessionId, q: 0, k: true });
    expect(keyframe.header.tiles.length).toBeGreaterThan(0);
    viewer.send({ type: 'ack', seq: keyframe.header.q });

    viewer.send({ type: 'prompt-open', promptId: 'r1', cols: 80, rows: 24 });
    await viewer.next('prompt-opened');
    viewer.send({ type: 'prompt-data', promptId: 'r1', data: 'echo across-$((20+22))\r' });
    await eventually(() => viewer.promptText('r1').includes('across-42'), 'the shell’s answer on node B', 15_000);

    viewer.send({ type: 'end' });
    expect(await viewer.next('ended')).toEqual({ type: 'ended', reason: 'technician' });
    expect(await agent.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
