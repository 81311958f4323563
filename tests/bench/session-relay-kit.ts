import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { AGENT_PROTOCOL_VERSION } from '../../application/contracts/agent.protocol';
import { SESSION_PROTOCOL_VERSION } from '../../application/contracts/session.protocol';
import { DEFAULT_COMPUTER_LIMITS } from '../../domain/account/account-plan.decide';
import { OutboxMailer } from '../../adapters/mail/outbox-mailer.adapter';
import { findPackage } from '../../adapters/system/package-info';
import { BENCH_FACTS, type ChildServer, processUsage, sleep, startServerProcess, stopper, waitForLine } from './agent-fleet';
import { now } from './bench-harness';
import { type ClientPlacement, type ClientSession, localClients, type SimAgent, type SimViewer } from './session-clients';

export { inputMessage } from './session-clients';

/**
 * What the session benchmarks share: the same simulated agent and viewers driven against two relays,
 * the server's gateways (`/agent` → relay → `/session`, a child process running the compiled server)
 * and a raw `ws` relay (a child process that forwards each message from one socket to the other and
 * does nothing else). The clients (session-clients.ts) live in the benchmark process, or in client
 * processes of their own (session-client-process.ts), so the child's CPU is the relay's own.
 */

/**
 * The raw baseline: a `ws` server (the very `ws` library the server's gateways run on, same defaults:
 * no compression) that pairs sockets by `?s=<session>`: `/agent` messages go to every `/view` socket
 * of the session and `/view` messages to its agent, unchanged. No checks, no routing tables beyond a Map.
 */
export async function startRawRelay(): Promise<ChildServer> {
  const root = findPackage()?.root;
  if (!root) throw new Error('cannot find the repository root');
  const script = `
    const ws = require(require.resolve('ws', { paths: [require.resolve('@nestjs/platform-ws')] }));
    const sessions = new Map();
    const wss = new ws.WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 4 * 1024 * 1024 });
    wss.on('connection', (socket, req) => {
      const url = new URL(req.url, 'http://relay');
      const id = url.searchParams.get('s');
      let s = sessions.get(id);
      if (!s) sessions.set(id, (s = { agent: null, viewers: new Set() }));
      if (url.pathname === '/agent') {
        s.agent = socket;
        socket.on('message', (data, binary) => { for (const v of s.viewers) v.send(data, { binary }); });
        socket.on('close', () => { if (s.agent === socket) s.agent = null; });
      } else {
        s.viewers.add(socket);
        socket.on('message', (data, binary) => { if (s.agent) s.agent.send(data, { binary }); });
        socket.on('close', () => s.viewers.delete(socket));
      }
    });
    wss.on('listening', () => console.log('listening on http://127.0.0.1:' + wss.address().port));
    process.stdin.on('end', () => process.exit(0)).resume();`;
  // Its stdin is a pipe from this process: if this process dies without stopping it, the relay exits too.
  const child = spawn(process.execPath, ['-e', script], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const match = await waitForLine(child, /listening on (http:\/\/[0-9.]+:\d+)/, 10_000, () => out);
  return { url: match[1], pid: child.pid!, stop: stopper(child) };
}

/** One session in the benchmark process: its agent and its viewers, connected and ready for frames. */
export type BenchSession = ClientSession<SimAgent, SimViewer>;

/** A relay under test: the process to measure and how to open a session through it, with clients where the placement puts them. */
export interface RelaySetup<A = SimAgent, V = SimViewer> {
  readonly kind: 'gateway' | 'raw';
  readonly pid: number;
  open(viewers: number): Promise<ClientSession<A, V>>;
  close(): Promise<void>;
}

/** Sessions through the raw `ws` relay, clients in the benchmark process. */
export const rawSetup = (): Promise<RelaySetup> => rawSetupWith(localClients());

/** Sessions through the raw `ws` relay: sockets paired by session id, nothing to authenticate. */
export async function rawSetupWith<A, V>(clients: ClientPlacement<A, V>): Promise<RelaySetup<A, V>> {
  const relay = await startRawRelay();
  const base = relay.url.replace(/^http/, 'ws');
  let count = 0;
  return {
    kind: 'raw',
    pid: relay.pid,
    async open(viewers) {
      const sessionId = `raw-session-${++count}`;
      const agent = await clients.agent(`${base}/agent?s=${sessionId}`, null);
      await clients.started(agent, sessionId, viewers, false);
      const views: V[] = [];
      for (let i = 0; i < viewers; i++) views.push(await clients.viewer(`${base}/view?s=${sessionId}`, null));
      return { agent, viewers: views };
    },
    async close() {
      await clients.close();
      await relay.stop();
    },
  };
}

/** A signed-in technician of a fresh account, with its access token. */
export interface Technician {
  readonly email: string;
  readonly accessToken: string;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function expectJson<T>(what: string, call: Promise<{ status: number; body: unknown }>, status: number): Promise<T> {
  const res = await call;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

/** The generated password of the registration mail (the mail's line that is the password alone), waited for. */
async function registrationPassword(dataDir: string, email: string): Promise<string> {
  const outbox = new OutboxMailer({ dataDir, from: 'bench@example.com', clock: { now: () => new Date().toISOString() }, log: () => undefined });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const mail = await outbox.latest(email);
    const match = mail && /^([A-Za-z0-9\-_.!@#%+=]{16})$/m.exec(mail.text);
    if (match) return match[1];
    await sleep(20);
  }
  throw new Error(`no registration mail to ${email} in ${outbox.dir}`);
}

/** Registers an account by e-mail, signs in with the mailed password and changes it, as a new technician does. */
export async function signUpTechnician(baseUrl: string, dataDir: string, email: string): Promise<Technician> {
  await expectJson('register', postJson(`${baseUrl}/api/auth/register`, { email }), 202);
  const generated = await registrationPassword(dataDir, email);
  const first = await expectJson<{ accessToken: string }>('login', postJson(`${baseUrl}/api/auth/login`, { email, password: generated }), 200);
  const changed = await expectJson<{ accessToken: string }>(
    'password change',
    postJson(`${baseUrl}/api/me/password`, { currentPassword: generated, newPassword: BENCH_PASSWORD }, bearer(first.accessToken)),
    200,
  );
  return { accessToken: changed.accessToken, email };
}

const BENCH_PASSWORD = 'Granite.Harbour-73q';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A computer enrolled with the technician's password (the agent's first run): its id and agent key. */
export async function enrollComputer(baseUrl: string, technician: Technician, name: string): Promise<{ computerId: string; agentKey: string }> {
  return expectJson('enroll', postJson(`${baseUrl}/api/agent/enroll`, { method: 'password', username: technician.email, password: BENCH_PASSWORD, facts: BENCH_FACTS, name }), 201);
}

/**
 * Sessions through the server's gateways, the way the console and the agent open them: an enrolled
 * computer's agent says hello (protocol 2), the technician opens a one-click session on it
 * (`POST /api/sessions`), each viewer says hello on `/session` with the access token, and the agent
 * gets `session-start`. Each session gets a computer (and agent socket) of its own.
 */
export async function connectGatewaySession<A, V>(
  baseUrl: string,
  technician: Technician,
  name: string,
  viewers: number,
  clients: ClientPlacement<A, V>,
): Promise<ClientSession<A, V>> {
  const ws = baseUrl.replace(/^http/, 'ws');
  const computer = await enrollComputer(baseUrl, technician, name);
  const agent = await clients.agent(`${ws}/agent`, { type: 'hello', protocol: AGENT_PROTOCOL_VERSION, agentKey: computer.agentKey, facts: BENCH_FACTS });
  const { sessionId } = await expectJson<{ sessionId: string }>(
    'open session',
    postJson(`${baseUrl}/api/sessions`, { computerId: computer.computerId }, bearer(technician.accessToken)),
    201,
  );
  const views: V[] = [];
  const hello = { type: 'hello', protocol: SESSION_PROTOCOL_VERSION, sessionId, token: technician.accessToken };
  for (let i = 0; i < viewers; i++) views.push(await clients.viewer(`${ws}/session`, hello));
  await clients.started(agent, sessionId, viewers, true);
  return { agent, viewers: views };
}

/** Computers a registered (client-space) account may run: its plan's default limit. */
const COMPUTERS_PER_ACCOUNT = DEFAULT_COMPUTER_LIMITS['client-space'];

/** Sessions through the server's gateways, clients in the benchmark process. */
export const gatewaySetup = (dataDir: string): Promise<RelaySetup> => gatewaySetupWith(dataDir, localClients());

/**
 * The compiled server in a child process (embedded adapters, no demo computer). Sessions are opened
 * by technicians of fresh accounts, a new account each time one has its plan's computers.
 */
export async function gatewaySetupWith<A, V>(dataDir: string, clients: ClientPlacement<A, V>): Promise<RelaySetup<A, V>> {
  const server = await startServerProcess(dataDir, {});
  let technician: Technician | null = null;
  let count = 0;
  return {
    kind: 'gateway',
    pid: server.pid,
    async open(viewers) {
      if (count % COMPUTERS_PER_ACCOUNT === 0) technician = await signUpTechnician(server.url, dataDir, `relay-technician-${count}@example.com`);
      return connectGatewaySession(server.url, technician!, `bench-computer-${++count}`, viewers, clients);
    },
    async close() {
      await clients.close();
      await server.stop();
    },
  };
}

/** CPU seconds (user + system) a process spent while `run` ran, and the wall seconds. */
export async function cpuDuring(pid: number, run: () => Promise<unknown>): Promise<{ cpuSeconds: number; seconds: number }> {
  const cpu0 = processUsage(pid).cpuSeconds;
  const t0 = now();
  await run();
  const seconds = (now() - t0) / 1000;
  return { cpuSeconds: processUsage(pid).cpuSeconds - cpu0, seconds };
}

/** The machine's 1-minute load average: on a shared machine, a run under load reads differently (details). */
export const loadAverage = (): number => Math.round(os.loadavg()[0] * 100) / 100;
