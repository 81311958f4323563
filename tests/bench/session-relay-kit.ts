import { spawn } from 'node:child_process';
import * as os from 'node:os';
import WebSocket from 'ws';
import { AGENT_PROTOCOL_VERSION } from '../../application/contracts/agent.protocol';
import { decodeFrame, encodeFrame, FRAME_KIND, SESSION_PROTOCOL_VERSION, type ScreenTile } from '../../application/contracts/session.protocol';
import { DEFAULT_COMPUTER_LIMITS } from '../../domain/account/account-plan.decide';
import { OutboxMailer } from '../../adapters/mail/outbox-mailer.adapter';
import { findPackage } from '../../adapters/system/package-info';
import { BENCH_FACTS, type ChildServer, closeSockets, processUsage, sleep, startServerProcess, stopper, waitForLine } from './agent-fleet';
import { now } from './bench-harness';

/**
 * What the session benchmarks share: the same simulated agent and viewers driven against two relays,
 * the server's gateways (`/agent` → relay → `/session`, a child process running the compiled server)
 * and a raw `ws` relay (a child process that forwards each message from one socket to the other and
 * does nothing else). The clients live in the benchmark process, so the child's CPU is the relay's own.
 */

/** Screen size the simulated frames claim; the tiles are laid out on it. */
const SCREEN = { w: 1920, h: 1080 } as const;
const TILE_SIDE = 64;
/** Bytes of each tile image but the last, which takes the rest of the payload. */
const TILE_BYTES = 4096;
/** The sender's clock is written in the payload's first bytes: the header's `t` holds whole ms only. */
const STAMP_BYTES = 8;

/** One payload buffer for every frame (encodeFrame copies it): the client allocates less, so its GC pauses add less to the latencies. */
let scratch = new Uint8Array(0);

/**
 * A kind-1 screen frame with a valid header: `payloadBytes` of tiles (64×64 cells, row by row, their
 * lengths adding up to the payload) and the sender's `performance.now()` in the first 8 payload bytes.
 */
export function screenFrame(sessionId: string, seq: number, payloadBytes: number, keyframe: boolean): Uint8Array {
  if (payloadBytes < STAMP_BYTES) throw new RangeError(`a frame carries at least ${STAMP_BYTES} payload bytes`);
  const tiles: ScreenTile[] = [];
  const perRow = Math.floor(SCREEN.w / TILE_SIDE);
  for (let left = payloadBytes, i = 0; left > 0; i++) {
    const n = left > TILE_BYTES * 1.5 ? TILE_BYTES : left;
    tiles.push({ x: (i % perRow) * TILE_SIDE, y: Math.floor(i / perRow) * TILE_SIDE, w: TILE_SIDE, h: TILE_SIDE, f: 'jpeg', n });
    left -= n;
  }
  if (scratch.length < payloadBytes) scratch = new Uint8Array(payloadBytes);
  const payload = scratch.subarray(0, payloadBytes);
  new DataView(payload.buffer).setFloat64(0, now());
  return encodeFrame(FRAME_KIND.SCREEN, { s: sessionId, q: seq, t: Date.now(), w: SCREEN.w, h: SCREEN.h, k: keyframe, tiles }, payload);
}

/** Reads a frame as a console does (envelope, header, tiles checked): its sequence and the sender's stamp. */
export function readScreenFrame(bytes: Uint8Array): { seq: number; sentAt: number } {
  const frame = decodeFrame(bytes);
  if ('error' in frame) throw new Error(`malformed frame: ${frame.error}`);
  const { payload, header } = frame;
  if (!('q' in header)) throw new Error('not a screen frame');
  return { seq: header.q, sentAt: new DataView(payload.buffer, payload.byteOffset, STAMP_BYTES).getFloat64(0) };
}

/**
 * A viewer's `input` message of exactly `bytes` bytes: a pointer move and typed text that pads it,
 * both valid input events (the gateway checks every one).
 */
export function inputMessage(bytes: number): string {
  const around = (s: string) => JSON.stringify({ type: 'input', events: [{ t: 'move', x: 1000, y: 700 }, { t: 'text', s }] });
  const pad = bytes - Buffer.byteLength(around(''));
  if (pad < 1) throw new RangeError(`an input message has at least ${bytes - pad + 1} bytes`);
  return around('x'.repeat(pad));
}

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

async function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/** Waits (bounded) until `check` holds: setup steps, never measured. */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A JSON text message's type and the fields the agent reads, whatever relay it came through. */
interface AgentBound {
  readonly type: string;
  readonly sessionId?: string;
  readonly seq?: number;
}

/**
 * A protocol-2 agent serving one session: sends screen frames, counts the input that reaches it,
 * keeps a window of frames awaiting an ack from every viewer, and makes its next frame a keyframe
 * when the session starts or a keyframe is asked for (as the real agent does).
 */
export class SimAgent {
  inputs = 0;
  bytesSent = 0;
  started = false;
  private seq = 0;
  private keyframeDue = true;
  private readonly awaiting = new Map<number, number>();
  private onAcked: (() => void) | null = null;
  private onInput: (() => void) | null = null;

  constructor(
    readonly socket: WebSocket,
    readonly sessionId: string,
    /** Acks a frame needs before it leaves the window: one per viewer. */
    public viewers: number,
  ) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.receive(JSON.parse(data.toString()) as AgentBound);
    });
  }

  /** Frames sent and not yet acknowledged by every viewer. */
  get inFlight(): number {
    return this.awaiting.size;
  }

  /** Sends the next frame; it is a keyframe when one is due. */
  sendFrame(payloadBytes: number): void {
    const seq = this.seq++;
    const keyframe = this.keyframeDue;
    this.keyframeDue = false;
    this.awaiting.set(seq, this.viewers);
    const frame = screenFrame(this.sessionId, seq, payloadBytes, keyframe);
    this.bytesSent += frame.length;
    this.socket.send(frame);
  }

  /** Sends `frames` frames, at most `window` of them unacknowledged, and resolves when all are acknowledged. */
  async pump(frames: number, payloadBytes: number, window: number, stallMs = 10_000): Promise<void> {
    let sent = 0;
    let lastProgress = Date.now();
    await new Promise<void>((resolve, reject) => {
      const fill = () => {
        lastProgress = Date.now();
        while (sent < frames && this.awaiting.size < window) {
          this.sendFrame(payloadBytes);
          sent += 1;
        }
        if (sent === frames && this.awaiting.size === 0) {
          clearInterval(watchdog);
          this.onAcked = null;
          resolve();
        }
      };
      const watchdog = setInterval(() => {
        if (Date.now() - lastProgress < stallMs) return;
        clearInterval(watchdog);
        this.onAcked = null;
        reject(new Error(`no ack for ${stallMs} ms with ${this.awaiting.size} frame(s) in flight (${sent}/${frames} sent)`));
      }, 500);
      this.onAcked = fill;
      fill();
    });
  }

  /**
   * Has `viewer` send `messages` copies of `text` (input), at most `window` of them not yet arrived
   * here, and resolves when all arrived: a closed loop, so neither side queues without bound.
   */
  async receiveInput(viewer: SimViewer, text: string, messages: number, window: number, stallMs = 10_000): Promise<void> {
    const start = this.inputs;
    let sent = 0;
    let lastProgress = Date.now();
    await new Promise<void>((resolve, reject) => {
      const fill = () => {
        lastProgress = Date.now();
        while (sent < messages && sent - (this.inputs - start) < window) {
          viewer.send(text);
          sent += 1;
        }
        if (this.inputs - start >= messages) {
          clearInterval(watchdog);
          this.onInput = null;
          resolve();
        }
      };
      const watchdog = setInterval(() => {
        if (Date.now() - lastProgress < stallMs) return;
        clearInterval(watchdog);
        this.onInput = null;
        reject(new Error(`no input arrived for ${stallMs} ms (${this.inputs - start}/${messages})`));
      }, 500);
      this.onInput = fill;
      fill();
    });
  }

  /** Forgets unacknowledged frames (an open-loop run does not wait for them). */
  forgetInFlight(): void {
    this.awaiting.clear();
  }

  private receive(message: AgentBound): void {
    switch (message.type) {
      case 'session-start':
        this.started = true;
        this.keyframeDue = true;
        return;
      case 'keyframe':
        this.keyframeDue = true;
        return;
      case 'input':
        this.inputs += 1;
        this.onInput?.();
        return;
      case 'ack': {
        const left = this.awaiting.get(message.seq!);
        if (left === undefined) return;
        if (left > 1) this.awaiting.set(message.seq!, left - 1);
        else this.awaiting.delete(message.seq!);
        this.onAcked?.();
        return;
      }
      default:
        return;
    }
  }
}

/**
 * A console watching one session: reads each screen frame's header (as the console does before
 * drawing), acknowledges it, counts bytes and frames, and keeps the latency of each frame from the
 * sender's stamp when asked to (same process, same clock).
 */
export class SimViewer {
  frames = 0;
  bytes = 0;
  /** Latency samples (ms) while `recording`. */
  readonly latencies: number[] = [];
  recording = false;
  readonly texts: { type: string }[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        this.texts.push(JSON.parse(data.toString()) as { type: string });
        return;
      }
      const bytes = data as Buffer;
      const { seq, sentAt } = readScreenFrame(bytes);
      if (this.recording) this.latencies.push(now() - sentAt);
      this.frames += 1;
      this.bytes += bytes.length;
      socket.send(`{"type":"ack","seq":${seq}}`);
    });
  }

  send(text: string): void {
    this.socket.send(text);
  }
}

/** One session: its agent and its viewers, connected and ready for frames. */
export interface BenchSession {
  readonly agent: SimAgent;
  readonly viewers: readonly SimViewer[];
}

/** A relay under test: the process to measure and how to open a session through it. */
export interface RelaySetup {
  readonly kind: 'gateway' | 'raw';
  readonly pid: number;
  open(viewers: number): Promise<BenchSession>;
  close(): Promise<void>;
}

/** Sessions through the raw `ws` relay: sockets paired by session id, nothing to authenticate. */
export async function rawSetup(): Promise<RelaySetup> {
  const relay = await startRawRelay();
  const base = relay.url.replace(/^http/, 'ws');
  const sockets: WebSocket[] = [];
  let count = 0;
  return {
    kind: 'raw',
    pid: relay.pid,
    async open(viewers) {
      const sessionId = `raw-session-${++count}`;
      const agentSocket = await openSocket(`${base}/agent?s=${sessionId}`);
      sockets.push(agentSocket);
      const agent = new SimAgent(agentSocket, sessionId, viewers);
      const views: SimViewer[] = [];
      for (let i = 0; i < viewers; i++) {
        const socket = await openSocket(`${base}/view?s=${sessionId}`);
        sockets.push(socket);
        views.push(new SimViewer(socket));
      }
      return { agent, viewers: views };
    },
    async close() {
      await closeSockets(sockets);
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
export async function connectGatewaySession(baseUrl: string, technician: Technician, name: string, viewers: number): Promise<BenchSession & { sockets: WebSocket[] }> {
  const ws = baseUrl.replace(/^http/, 'ws');
  const computer = await enrollComputer(baseUrl, technician, name);
  const agentSocket = await openSocket(`${ws}/agent`);
  const sockets = [agentSocket];
  const welcome = new Promise<{ heartbeatIntervalMs: number }>((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { type: string; code?: string; message?: string; heartbeatIntervalMs?: number };
      if (message.type === 'welcome') {
        agentSocket.off('message', onMessage);
        resolve({ heartbeatIntervalMs: message.heartbeatIntervalMs! });
      } else if (message.type === 'error') reject(new Error(`agent refused: ${message.code} ${message.message}`));
    };
    agentSocket.on('message', onMessage);
  });
  agentSocket.send(JSON.stringify({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, agentKey: computer.agentKey, facts: BENCH_FACTS }));
  keepBeating(agentSocket, (await welcome).heartbeatIntervalMs);
  const { sessionId } = await expectJson<{ sessionId: string }>(
    'open session',
    postJson(`${baseUrl}/api/sessions`, { computerId: computer.computerId }, bearer(technician.accessToken)),
    201,
  );
  const agent = new SimAgent(agentSocket, sessionId, viewers);
  const views: SimViewer[] = [];
  for (let i = 0; i < viewers; i++) {
    const socket = await openSocket(`${ws}/session`);
    sockets.push(socket);
    const viewer = new SimViewer(socket);
    viewer.send(JSON.stringify({ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, sessionId, token: technician.accessToken }));
    await until(() => viewer.texts.some((m) => m.type === 'welcome' || m.type === 'error'), `viewer ${i} welcome`);
    const refused = viewer.texts.find((m) => m.type === 'error');
    if (refused) throw new Error(`viewer refused: ${JSON.stringify(refused)}`);
    views.push(viewer);
  }
  await until(() => agent.started, `session-start for ${sessionId}`);
  return { agent, viewers: views, sockets };
}

/** Heartbeats at the welcome's interval, as the agent does: a silent agent is swept offline and its socket closed. */
function keepBeating(socket: WebSocket, intervalMs: number): void {
  let seq = 0;
  const timer = setInterval(() => socket.send(JSON.stringify({ type: 'heartbeat', seq: ++seq })), intervalMs);
  socket.once('close', () => clearInterval(timer));
}

/** Computers a registered (client-space) account may run: its plan's default limit. */
const COMPUTERS_PER_ACCOUNT = DEFAULT_COMPUTER_LIMITS['client-space'];

/**
 * The compiled server in a child process (embedded adapters, no demo computer). Sessions are opened
 * by technicians of fresh accounts, a new account each time one has its plan's computers.
 */
export async function gatewaySetup(dataDir: string): Promise<RelaySetup> {
  const server = await startServerProcess(dataDir, {});
  const sockets: WebSocket[] = [];
  let technician: Technician | null = null;
  let count = 0;
  return {
    kind: 'gateway',
    pid: server.pid,
    async open(viewers) {
      if (count % COMPUTERS_PER_ACCOUNT === 0) technician = await signUpTechnician(server.url, dataDir, `relay-technician-${count}@example.com`);
      const session = await connectGatewaySession(server.url, technician!, `bench-computer-${++count}`, viewers);
      sockets.push(...session.sockets);
      return session;
    },
    async close() {
      await closeSockets(sockets);
      await server.stop();
    },
  };
}

/**
 * Open loop, as screens are captured: every session's agent sends a frame every 1000/fps ms, the
 * sessions' phases spread evenly, for `ms`; frames are sent when due whether or not earlier ones
 * were acknowledged. Returns the number of frames sent.
 */
export async function streamAtRate(sessions: readonly BenchSession[], fps: number, ms: number, payloadBytes: number): Promise<number> {
  const period = 1000 / fps;
  const started = now();
  const sent = new Array<number>(sessions.length).fill(0);
  const phase = sessions.map((_, i) => (i * period) / sessions.length);
  let total = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = now() - started;
      if (elapsed >= ms) {
        clearInterval(tick);
        resolve();
        return;
      }
      for (let i = 0; i < sessions.length; i++) {
        const due = Math.floor((elapsed - phase[i]) / period) + 1;
        while (sent[i] < due) {
          sent[i] += 1;
          total += 1;
          sessions[i].agent.sendFrame(payloadBytes);
        }
      }
    }, 1);
  });
  for (const session of sessions) session.agent.forgetInFlight();
  return total;
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
