import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { AGENT_PROTOCOL_VERSION, type AgentFacts } from '../../application/contracts/agent.protocol';
import { composeAgentKey } from '../../application/computer/computer-tokens';
import type { NewEvent } from '../../application/ports/event-store.port';
import { openEventStoreStack } from '../../adapters/nest/event-store-stack';
import { findPackage } from '../../adapters/system/package-info';

export const BENCH_TENANT = 'bench-account';

export const BENCH_FACTS: AgentFacts = {
  os: { platform: 'linux', release: '6.8.0', arch: 'x64' },
  hostname: 'bench-agent',
  agentVersion: '1.0.0',
  loggedInUser: null,
  installed: true,
};

export interface SeededAgent {
  readonly computerId: string;
  readonly agentKey: string;
}

/**
 * Writes `count` enrolled computers straight into the log of `dataDir`, as enrollments would have
 * (ComputerEnrolled with the SHA-256 of each agent key): the benchmark measures agents at rest, not
 * enrollment, and 10,000 enrollments through one account's stream would take most of its time.
 */
export async function seedComputers(dataDir: string, count: number): Promise<SeededAgent[]> {
  const stack = await openEventStoreStack({ dataDir, sqliteSynchronous: 'NORMAL' });
  const agents: SeededAgent[] = [];
  try {
    const at = new Date().toISOString();
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const computerId = randomUUID();
      const agentKey = composeAgentKey(computerId, randomBytes(32).toString('base64url'));
      agents.push({ computerId, agentKey });
      const event: NewEvent = {
        type: 'ComputerEnrolled',
        data: {
          computerId,
          accountId: BENCH_TENANT,
          ownerUserId: 'bench-owner',
          method: 'enrollment-token',
          agentKeyHash: createHash('sha256').update(agentKey, 'utf8').digest('hex'),
          name: `bench-${i}`,
          facts: BENCH_FACTS,
          planStatus: 'ok',
          enrolledAt: at,
        },
        metadata: {
          eventId: randomUUID(),
          schemaVersion: 1,
          tenantId: BENCH_TENANT,
          actor: { kind: 'agent', id: computerId },
          correlationId: computerId,
          causationId: computerId,
          occurredAt: at,
        },
      };
      writes.push(stack.store.appendToStream(`computer-${computerId}`, [event], 'no_stream'));
      if (writes.length >= 1000) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
  } finally {
    await stack.close();
  }
  return agents;
}

/** CPU seconds (user + system) and resident memory of a process, from /proc (Linux). */
export function processUsage(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return { cpuSeconds: ticks / CLOCK_TICKS, rssBytes: rssKb * 1024 };
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Waits (bounded) for the child's output to match `pattern`; fails when the child exits first. */
export async function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, output: () => string): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (child.exitCode !== null) throw new Error(`child exited (${child.exitCode}): ${output().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`child did not start within ${timeoutMs} ms: ${output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stops a child with SIGTERM (SIGKILL after 15 s) and resolves when it exited. */
export function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
}

/** The compiled server in its own process, so that its CPU and memory are its own. */
export async function startServerProcess(dataDir: string, env: Record<string, string>): Promise<ChildServer> {
  const root = findPackage()?.root;
  if (!root) throw new Error('cannot find the repository root');
  const main = path.join(root, 'dist', 'adapters', 'nest', 'main.js');
  const passed = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !['PORT', 'DATA_DIR', 'REDIS_URL', 'EVENTSTORE_URL', 'MONGO_URL', 'SHARED_DATA_DIR'].includes(name)),
  );
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { ...passed, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', DEMO_COMPUTER: 'off', UI_DIST: path.join(dataDir, 'no-ui'), ...env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-64 * 1024);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-64 * 1024);
  });
  try {
    const match = await waitForLine(child, /listening on (http:\/\/[0-9.]+:\d+)/, 60_000, () => out);
    return { url: match[1], pid: child.pid!, stop: stopper(child) };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** A bare `ws` server that accepts connections and does nothing: the floor of a WebSocket connection's cost. */
export async function startRawWsServer(): Promise<ChildServer> {
  const root = findPackage()?.root;
  if (!root) throw new Error('cannot find the repository root');
  const script = `const { WebSocketServer } = require('ws'); const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }); wss.on('connection', (s) => s.on('message', () => undefined)); wss.on('listening', () => console.log('listening on http://127.0.0.1:' + wss.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const match = await waitForLine(child, /listening on (http:\/\/[0-9.]+:\d+)/, 10_000, () => out);
  return { url: match[1], pid: child.pid!, stop: stopper(child) };
}

/** Opens `count` sockets to `url` with at most `parallel` handshakes in flight; `onOpen` says what each does first. */
export async function openSockets(
  url: string,
  count: number,
  parallel: number,
  onOpen: (socket: WebSocket, index: number) => Promise<void>,
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const socket = new WebSocket(url, { perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      sockets[index] = socket;
      await onOpen(socket, index);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return sockets;
}

/** Says hello and resolves at the welcome. */
export function helloAndWelcome(socket: WebSocket, agentKey: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { type: string; code?: string };
      if (message.type === 'welcome') {
        socket.off('message', onMessage);
        resolve();
      } else if (message.type === 'error') {
        reject(new Error(`agent refused: ${message.code}`));
      }
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, agentKey, facts: BENCH_FACTS }));
  });
}

/**
 * Heartbeats of many agents from one timer: each agent beats every `intervalMs` at its own phase,
 * spread evenly, as a fleet that connected over time would. Returns a stop function and a counter.
 */
export function heartbeatFleet(sockets: readonly WebSocket[], intervalMs: number): { stop(): void; sent(): number } {
  const started = Date.now();
  const phase = sockets.map((_, i) => (i * intervalMs) / sockets.length);
  const beats = new Array<number>(sockets.length).fill(0);
  let sent = 0;
  const tick = setInterval(() => {
    const elapsed = Date.now() - started;
    for (let i = 0; i < sockets.length; i++) {
      const due = Math.floor((elapsed - phase[i]) / intervalMs) + 1;
      while (beats[i] < due) {
        beats[i] += 1;
        if (sockets[i].readyState === WebSocket.OPEN) {
          sockets[i].send(`{"type":"heartbeat","seq":${beats[i]}}`);
          sent += 1;
        }
      }
    }
  }, Math.max(10, Math.min(100, intervalMs / 10)));
  return { stop: () => clearInterval(tick), sent: () => sent };
}

export async function closeSockets(sockets: readonly (WebSocket | undefined)[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (!socket || socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.terminate();
        }),
    ),
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
