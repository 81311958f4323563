import * as os from 'node:os';
import WebSocket from 'ws';
import {
  AGENT_CLOSE,
  AGENT_MAX_MESSAGE_BYTES,
  AGENT_PROTOCOL_VERSION,
  parseServerToAgentMessage,
  type AgentFacts,
  type AgentMessage,
  type AgentPlatform,
  type ServerToAgentMessage,
} from '../../application/contracts/agent.protocol';
import { SESSION_CLOSE, type AgentSessionMessage, type SessionToAgentMessage } from '../../application/contracts/session.protocol';
import { AGENT_VERSION } from './version';

export type Welcome = Extract<ServerToAgentMessage, { type: 'welcome' }>;

/** Timers the link uses, injectable so that tests see every delay it asks for. */
export interface LinkTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const REAL_TIMERS: LinkTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (run, ms) => setInterval(run, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface BackoffConfig {
  /** First retry waits up to this. */
  readonly baseMs: number;
  /** No retry waits longer than this. */
  readonly capMs: number;
  /** Wait after a 4403 (the plan disables this computer): rarely, the plan may change. */
  readonly disabledRetryMs: number;
}

export const DEFAULT_BACKOFF: BackoffConfig = { baseMs: 1_000, capMs: 60_000, disabledRetryMs: 15 * 60_000 };

/**
 * "Full jitter" back-off: a uniform wait between 0 and min(cap, base·2^attempt), so that thousands
 * of agents cut off by the same server restart do not come back in the same instant.
 */
export function backoffDelay(attempt: number, config: Pick<BackoffConfig, 'baseMs' | 'capMs'>, random: () => number): number {
  const ceiling = Math.min(config.capMs, config.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** A participant link up this long before it dropped reconnects without the back-off of earlier failures. */
const STABLE_LINK_MS = 10_000;

/** Why the link gave up for good: the process should exit and tell the user. */
export type LinkStop =
  | { readonly reason: 'removed'; readonly message: string }
  | { readonly reason: 'update-required'; readonly message: string }
  /** Participant mode: the server no longer knows the participant key (the session is over, or never was). */
  | { readonly reason: 'refused'; readonly message: string }
  /** Participant mode: the server closed the link because the session ended. */
  | { readonly reason: 'ended'; readonly message: string };

/**
 * Who says hello: an enrolled computer with its agent key, or an end-user's agent that joined one
 * support session (by link or connection ID) with the participant key the join gave it.
 */
export type LinkCredential = { readonly agentKey: string } | { readonly participantKey: string };

export type AgentLinkOptions = LinkCredential & {
  readonly wsUrl: string;
  /** Read at each hello: the logged-in user may have changed since. */
  readonly facts: () => AgentFacts;
  readonly onWelcome?: (welcome: Welcome) => void;
  /** The link is up: after the welcome, or (participant mode, where no welcome is needed) after the hello. */
  readonly onReady?: () => void;
  /** Session control from the server (protocol 2). */
  readonly onSession?: (message: SessionToAgentMessage) => void;
  readonly onRename?: (name: string) => void;
  /** The link is down (after a welcome or not); it reconnects by itself unless stopped. */
  readonly onDisconnect?: () => void;
  readonly onStop?: (stop: LinkStop) => void;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  readonly timers?: LinkTimers;
  readonly random?: () => number;
  readonly backoff?: Partial<BackoffConfig>;
};

/**
 * The computer's facts as this process sees them. `consoleUser` is the user at the console as the OS
 * layer found it (`who` on Linux); without it, the user running the agent stands in.
 */
export function collectFacts(installed: boolean, consoleUser?: string | null): AgentFacts {
  const platform: AgentPlatform = process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
  let loggedInUser: string | null = consoleUser ?? null;
  if (consoleUser === undefined) {
    try {
      loggedInUser = os.userInfo().username || null;
    } catch {
      // A service account without a passwd entry has no name to report.
    }
  }
  return {
    os: { platform, release: os.release().slice(0, 128), arch: os.arch().slice(0, 32) },
    hostname: (os.hostname() || 'unknown').slice(0, 255),
    agentVersion: AGENT_VERSION,
    loggedInUser: loggedInUser ? loggedInUser.slice(0, 256) : null,
    installed,
  };
}

/**
 * The agent's WebSocket to the server: hello, heartbeats at the interval the welcome gives,
 * reconnection with capped, jittered back-off, and what each close code means for this agent.
 */
export class AgentLink {
  private socket: WebSocket | null = null;
  private heartbeat: unknown = null;
  private retry: unknown = null;
  private attempt = 0;
  private seq = 0;
  private stopped = false;
  /** Hello answered (welcome), or sent in participant mode: messages may go out. */
  private ready = false;
  /** When the link became ready: a participant link that stayed up a while starts its back-off afresh. */
  private readyAt = 0;
  private readonly timers: LinkTimers;
  private readonly random: () => number;
  private readonly backoff: BackoffConfig;

  constructor(private readonly options: AgentLinkOptions) {
    this.timers = options.timers ?? REAL_TIMERS;
    this.random = options.random ?? Math.random;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  get connected(): boolean {
    return this.ready && this.socket?.readyState === WebSocket.OPEN;
  }

  /** Bytes queued on the socket and not yet sent: what pacing and the prompts watch. */
  get bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  private get participant(): boolean {
    return 'participantKey' in this.options;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Closes the link for good (process exit). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000, 'Agent stopping');
        // A server that never answers the close must not hold the exit.
        const kill = setTimeout(() => socket.terminate(), 2_000);
        kill.unref();
        socket.once('close', () => clearTimeout(kill));
      });
    }
  }

  /** The agent's own settings renamed the computer; false when the link is down (the caller retries at the next welcome). */
  setName(name: string): boolean {
    return this.send({ type: 'set-name', name });
  }

  /** Facts changed (a user logged in or out). */
  reportFacts(): boolean {
    return this.send({ type: 'facts', facts: this.options.facts() });
  }

  /** A session's binary frame (screen tiles, prompt output); false when the link is down and the frame is lost. */
  sendFrame(frame: Uint8Array): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.ready) return false;
    socket.send(frame, { binary: true });
    return true;
  }

  /** Session control to the server (prompt exits, the end-user leaving). */
  sendSession(message: AgentSessionMessage): boolean {
    return this.send(message);
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.options.wsUrl, { maxPayload: AGENT_MAX_MESSAGE_BYTES, handshakeTimeout: 15_000 });
    this.socket = socket;
    socket.on('open', () => {
      const facts = this.options.facts();
      const hello: AgentMessage =
        'participantKey' in this.options
          ? { type: 'hello', protocol: AGENT_PROTOCOL_VERSION, participantKey: this.options.participantKey, facts }
          : { type: 'hello', protocol: AGENT_PROTOCOL_VERSION, agentKey: this.options.agentKey, facts };
      socket.send(JSON.stringify(hello));
      if (this.participant) this.becomeReady();
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = parseServerToAgentMessage(data.toString());
      if ('error' in message) {
        this.log('warn', `ignored a server message: ${message.error}`);
        return;
      }
      this.receive(socket, message);
    });
    socket.on('error', (error) => this.log('warn', `link error: ${error.message}`));
    socket.on('close', (code, reason) => this.closed(socket, code, reason.toString()));
  }

  private receive(socket: WebSocket, message: ServerToAgentMessage): void {
    switch (message.type) {
      case 'welcome':
        if (this.heartbeat !== null) this.timers.clearInterval(this.heartbeat);
        this.heartbeat = this.timers.setInterval(() => {
          if (this.socket === socket) this.send({ type: 'heartbeat', seq: ++this.seq });
        }, Math.max(100, message.heartbeatIntervalMs));
        this.log('info', `connected as ${JSON.stringify(message.name)} (computer ${message.computerId})`);
        this.options.onWelcome?.(message);
        if (!this.ready) this.becomeReady();
        return;
      case 'rename':
        this.log('info', `renamed to ${JSON.stringify(message.name)} from the console`);
        this.options.onRename?.(message.name);
        return;
      case 'error':
        this.log('warn', `server says ${message.code}: ${message.message}`);
        return;
      default:
        if (!this.ready) return this.log('warn', `ignored ${message.type} before the welcome`);
        this.options.onSession?.(message);
    }
  }

  private becomeReady(): void {
    this.ready = true;
    this.readyAt = Date.now();
    // A welcome proves the server took the hello; a participant's hello has no answer, only time shows it was taken.
    if (!this.participant) this.attempt = 0;
    this.options.onReady?.();
  }

  private closed(socket: WebSocket, code: number, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    const wasUp = this.ready;
    this.ready = false;
    if (wasUp && Date.now() - this.readyAt >= STABLE_LINK_MS) this.attempt = 0;
    if (this.heartbeat !== null) this.timers.clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (wasUp) this.options.onDisconnect?.();
    if (this.stopped) return;
    if (this.participant && (code === AGENT_CLOSE.UNAUTHORIZED || code === AGENT_CLOSE.DISABLED || code === SESSION_CLOSE.NOT_FOUND)) {
      return this.giveUp({ reason: 'refused', message: `The server refused this support session (${reason || code}): the link or connection ID is no longer valid` });
    }
    if (this.participant && code === SESSION_CLOSE.ENDED) return this.giveUp({ reason: 'ended', message: `The support session ended (${reason || code})` });
    switch (code) {
      case AGENT_CLOSE.UNAUTHORIZED:
        return this.giveUp({ reason: 'removed', message: `This computer was removed or its key revoked (${reason || code}): enroll again` });
      case AGENT_CLOSE.UNSUPPORTED_VERSION:
        return this.giveUp({ reason: 'update-required', message: `The server does not speak this agent's protocol (${reason || code}): update the agent` });
      case AGENT_CLOSE.DISABLED:
        this.log('warn', `the account's plan disables this computer; trying again in ${Math.round(this.backoff.disabledRetryMs / 1000)} s`);
        return this.schedule(this.backoff.disabledRetryMs);
      default: {
        const delay = backoffDelay(this.attempt++, this.backoff, this.random);
        this.log('info', `link closed (${code}${reason ? ` ${reason}` : ''}); reconnecting in ${delay} ms`);
        return this.schedule(delay);
      }
    }
  }

  private giveUp(stop: LinkStop): void {
    this.stopped = true;
    this.clearTimers();
    this.log('error', stop.message);
    this.options.onStop?.(stop);
  }

  private schedule(ms: number): void {
    this.retry = this.timers.setTimeout(() => {
      this.retry = null;
      this.connect();
    }, ms);
  }

  private clearTimers(): void {
    if (this.heartbeat !== null) this.timers.clearInterval(this.heartbeat);
    if (this.retry !== null) this.timers.clearTimeout(this.retry);
    this.heartbeat = null;
    this.retry = null;
  }

  private send(message: AgentMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || (message.type !== 'hello' && !this.ready)) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}
