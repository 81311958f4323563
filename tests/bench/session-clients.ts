import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { decodeFrame, encodeFrame, FRAME_KIND, type ScreenTile } from '../../application/contracts/session.protocol';

/**
 * The simulated clients of the session benchmarks: agents that send screen frames and viewers that
 * read and acknowledge them. Kept apart from the kit (server processes, accounts over HTTP) and light
 * to load, so that a client process (session-client-process.ts) holds little more than its sockets.
 */

/**
 * The clock frames are stamped with: `process.hrtime` reads CLOCK_MONOTONIC, which on Linux counts
 * from boot for every process of the machine, so a stamp written by one process can be subtracted in
 * another (nanoseconds; never stepped by NTP, unlike `Date.now()`, and not relative to the process's
 * own start, unlike `performance.now()`). In ms; exact in a double for 100 days of uptime.
 */
export const sharedClock = (): number => Number(process.hrtime.bigint()) / 1e6;

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
 * lengths adding up to the payload) and the sender's `sharedClock()` in the first 8 payload bytes.
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
  new DataView(payload.buffer).setFloat64(0, sharedClock());
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

export async function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/** Waits (bounded) until `check` holds: setup steps, never measured. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
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
    /** Set once the session is opened when the agent connects before it (a one-click session needs the agent's hello first). */
    public sessionId: string,
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
 * sender's stamp when asked to (on `sharedClock`, so the sender may be another process).
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
      if (this.recording) this.latencies.push(sharedClock() - sentAt);
      this.frames += 1;
      this.bytes += bytes.length;
      socket.send(`{"type":"ack","seq":${seq}}`);
    });
  }

  send(text: string): void {
    this.socket.send(text);
  }
}

/**
 * Sends a hello (agent or viewer) and resolves at the `welcome`, or fails at an `error`, with what the
 * welcome says. The listener goes away at the answer, so the client's own handler sees what follows.
 */
export function sayHello<W>(socket: WebSocket, hello: unknown, who: string): Promise<W> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as { type: string };
      if (message.type !== 'welcome' && message.type !== 'error') return;
      socket.off('message', onMessage);
      if (message.type === 'welcome') resolve(message as W);
      else reject(new Error(`${who} refused: ${JSON.stringify(message)}`));
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify(hello));
  });
}

/** Heartbeats at the welcome's interval, as the agent does: a silent agent is swept offline and its socket closed. */
export function keepBeating(socket: WebSocket, intervalMs: number): void {
  let seq = 0;
  const timer = setInterval(() => socket.send(JSON.stringify({ type: 'heartbeat', seq: ++seq })), intervalMs);
  socket.once('close', () => clearInterval(timer));
}

/**
 * Open loop, as screens are captured: every session's agent sends a frame every 1000/fps ms, the
 * sessions' phases spread evenly, for `ms`; frames are sent when due whether or not earlier ones
 * were acknowledged. Returns the number of frames sent.
 */
export async function streamAtRate(agents: readonly SimAgent[], fps: number, ms: number, payloadBytes: number): Promise<number> {
  const period = 1000 / fps;
  const started = sharedClock();
  const sent = new Array<number>(agents.length).fill(0);
  const phase = agents.map((_, i) => (i * period) / agents.length);
  let total = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = sharedClock() - started;
      if (elapsed >= ms) {
        clearInterval(tick);
        resolve();
        return;
      }
      for (let i = 0; i < agents.length; i++) {
        const due = Math.floor((elapsed - phase[i]) / period) + 1;
        while (sent[i] < due) {
          sent[i] += 1;
          total += 1;
          agents[i].sendFrame(payloadBytes);
        }
      }
    }, 1);
  });
  for (const agent of agents) agent.forgetInFlight();
  return total;
}

/** One session's clients as a placement names them: objects in this process, or indexes in a client process. */
export interface ClientSession<A, V> {
  readonly agent: A;
  readonly viewers: readonly V[];
}

/**
 * Where a session's simulated clients live and how they connect. The setups (session-relay-kit)
 * do the relay's part (accounts, sessions) and leave the sockets to the placement, so that the same
 * setup drives clients in the benchmark process or in client processes.
 */
export interface ClientPlacement<A, V> {
  /** Opens an agent socket and, when `hello` is given, says it and keeps beating at the welcome's interval. */
  agent(url: string, hello: object | null): Promise<A>;
  /** Opens a viewer socket and, when `hello` is given, says it and waits for the welcome. */
  viewer(url: string, hello: object | null): Promise<V>;
  /** Gives the agent its session and viewer count; waits for `session-start` when the relay sends one. */
  started(agent: A, sessionId: string, viewers: number, awaitStart: boolean): Promise<void>;
  /** Drops every socket (the relay sees them go). */
  close(): Promise<void>;
}

/** Clients in this process. */
export function localClients(): ClientPlacement<SimAgent, SimViewer> {
  const sockets: WebSocket[] = [];
  const connect = async (url: string) => {
    const socket = await openSocket(url);
    sockets.push(socket);
    return socket;
  };
  return {
    async agent(url, hello) {
      const socket = await connect(url);
      const agent = new SimAgent(socket, '', 1);
      if (hello) {
        const welcome = await sayHello<{ heartbeatIntervalMs: number }>(socket, hello, 'agent');
        keepBeating(socket, welcome.heartbeatIntervalMs);
      }
      return agent;
    },
    async viewer(url, hello) {
      const viewer = new SimViewer(await connect(url));
      if (hello) await sayHello(viewer.socket, hello, 'viewer');
      return viewer;
    },
    async started(agent, sessionId, viewers, awaitStart) {
      agent.sessionId = sessionId;
      agent.viewers = viewers;
      if (awaitStart) await until(() => agent.started, `session-start for ${sessionId}`);
    },
    async close() {
      for (const socket of sockets) socket.terminate();
    },
  };
}
