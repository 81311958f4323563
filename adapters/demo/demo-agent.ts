import WebSocket from 'ws';
import {
  AGENT_CLOSE,
  AGENT_PROTOCOL_VERSION,
  parseServerToAgentMessage,
  type AgentFacts,
  type ServerToAgentMessage,
} from '../../application/contracts/agent.protocol';
import { encodeFrame, FRAME_KIND, type SessionToAgentMessage } from '../../application/contracts/session.protocol';
import type { Clock } from '../../application/ports/clock.port';
import { DemoPrompt } from './demo-prompt';
import { renderDemoScreen } from './demo-screen';
import { DemoSession } from './demo-session';

export interface DemoAgentOptions {
  /** ws://host:port/agent of this very server. */
  readonly wsUrl: string;
  readonly agentKey: string;
  readonly facts: AgentFacts;
  readonly clock: Clock;
  readonly log: (level: 'info' | 'warn', message: string) => void;
  /** Back-off between reconnections, doubled up to 30 s. */
  readonly retryMs?: number;
}

const MAX_RETRY_MS = 30_000;

/** A session the demo computer takes part in: its live screen and its toy prompts. */
interface DemoSessionState {
  readonly screen: DemoSession;
  readonly prompts: Map<string, DemoPrompt>;
}

/**
 * The built-in agent of the demo computer: it speaks the real protocol over a real socket to its own
 * server (hello, heartbeats, a synthetic screenshot every interval over HTTP), so the demo shows
 * exactly what an installed agent shows.
 */
export class DemoAgent {
  private socket: WebSocket | null = null;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private name = 'Demo computer';
  private seq = 0;
  private retryMs: number;
  private readonly sessions = new Map<string, DemoSessionState>();
  /** Resolves with each welcome: for tests and for knowing the link is up. */
  private welcomed: ((message: Extract<ServerToAgentMessage, { type: 'welcome' }>) => void)[] = [];

  constructor(private readonly options: DemoAgentOptions) {
    this.retryMs = options.retryMs ?? 1_000;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Resolves at the next welcome. */
  nextWelcome(): Promise<Extract<ServerToAgentMessage, { type: 'welcome' }>> {
    return new Promise((resolve) => this.welcomed.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    this.endSessions();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.terminate();
      });
    }
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.options.wsUrl);
    this.socket = socket;
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, agentKey: this.options.agentKey, facts: this.options.facts }));
    });
    socket.on('message', (data) => {
      const message = parseServerToAgentMessage(data.toString());
      if ('error' in message) return;
      this.receive(socket, message);
    });
    socket.on('error', () => undefined);
    socket.on('close', (code) => {
      this.clearTimers();
      // The server tells each session it lost the agent; a start after the reconnection resumes it.
      this.endSessions();
      if (this.socket === socket) this.socket = null;
      if (this.stopped) return;
      if (code === AGENT_CLOSE.UNAUTHORIZED || code === AGENT_CLOSE.UNSUPPORTED_VERSION) {
        this.options.log('warn', `demo agent: the server refused it (close ${code}); it stays offline`);
        return;
      }
      this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
      this.retryTimer.unref?.();
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    });
  }

  private receive(socket: WebSocket, message: ServerToAgentMessage): void {
    switch (message.type) {
      case 'welcome': {
        this.retryMs = this.options.retryMs ?? 1_000;
        this.name = message.name;
        this.every(message.heartbeatIntervalMs, () => this.send(socket, { type: 'heartbeat', seq: ++this.seq }));
        void this.screenshot(message.screenshotUrl);
        this.every(message.screenshotIntervalMs, () => void this.screenshot(message.screenshotUrl));
        for (const resolve of this.welcomed.splice(0)) resolve(message);
        return;
      }
      case 'rename':
        this.name = message.name;
        return;
      case 'error':
        this.options.log('warn', `demo agent: server says ${message.code}: ${message.message}`);
        return;
      default:
        this.session(socket, message);
    }
  }

  /** Session control: a live synthetic screen, input drawn on it, toy prompts. */
  private session(socket: WebSocket, message: SessionToAgentMessage): void {
    const { sessionId } = message;
    const current = this.sessions.get(sessionId);
    switch (message.type) {
      case 'session-start': {
        const session = current ?? this.newSession(socket, message);
        session.screen.requestKeyframe();
        session.screen.start();
        return;
      }
      case 'session-stop':
        current?.screen.stop();
        return;
      case 'session-end':
        current?.screen.stop();
        this.sessions.delete(sessionId);
        return;
      case 'input':
        current?.screen.input(message.events);
        return;
      case 'ack':
        current?.screen.ack(message.seq);
        return;
      case 'keyframe':
        current?.screen.requestKeyframe();
        return;
      case 'prompt-open': {
        if (!current || current.prompts.has(message.promptId)) return;
        const { promptId } = message;
        const prompt = new DemoPrompt(
          (text) => this.sendBinary(socket, encodeFrame(FRAME_KIND.PROMPT_OUTPUT, { s: sessionId, p: promptId }, Buffer.from(text, 'utf8'))),
          (code) => {
            current.prompts.delete(promptId);
            this.send(socket, { type: 'prompt-exit', sessionId, promptId, code });
          },
          () => new Date(this.options.clock.now()),
        );
        current.prompts.set(promptId, prompt);
        prompt.open();
        return;
      }
      case 'prompt-data':
        current?.prompts.get(message.promptId)?.type(message.data);
        return;
      case 'prompt-resize':
        return;
      case 'prompt-close':
        current?.prompts.delete(message.promptId);
        return;
      default: {
        const unknown: never = message;
        this.options.log('warn', `demo agent: unexpected ${JSON.stringify(unknown)}`);
      }
    }
  }

  private newSession(socket: WebSocket, start: Extract<SessionToAgentMessage, { type: 'session-start' }>): DemoSessionState {
    const session: DemoSessionState = {
      screen: new DemoSession({
        sessionId: start.sessionId,
        name: () => this.name,
        maxFps: start.maxFps,
        quality: start.quality,
        now: () => new Date(this.options.clock.now()),
        send: (frame) => this.sendBinary(socket, frame),
        log: (text) => this.options.log('warn', text),
      }),
      prompts: new Map(),
    };
    this.sessions.set(start.sessionId, session);
    return session;
  }

  private endSessions(): void {
    for (const session of this.sessions.values()) session.screen.stop();
    this.sessions.clear();
  }

  private sendBinary(socket: WebSocket, frame: Uint8Array): boolean {
    if (socket.readyState !== WebSocket.OPEN) return false;
    socket.send(frame);
    return true;
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref?.();
    this.timers.push(timer);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  private send(socket: WebSocket, message: unknown): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  private async screenshot(url: string): Promise<void> {
    try {
      const image = await renderDemoScreen(this.name, new Date(this.options.clock.now()));
      const res = await fetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.options.agentKey}`, 'Content-Type': 'image/png' },
        body: image,
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status !== 204) this.options.log('warn', `demo agent: screenshot upload answered ${res.status}`);
      await res.arrayBuffer().catch(() => undefined);
    } catch (error) {
      if (!this.stopped) this.options.log('warn', `demo agent: screenshot upload failed: ${(error as Error).message}`);
    }
  }
}
