import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import {
  type AgentLinkState,
  type DecodedFrame,
  FRAME_KIND,
  type PromptOutputHeader,
  SESSION_CLOSE,
  SESSION_PROTOCOL_VERSION,
  SESSION_WS_PATH,
  type ScreenFrameHeader,
  type SessionViewerInfo,
  type ViewerMessage,
  type ViewerServerMessage,
  decodeFrame,
} from '@contracts/session.protocol';
import { Subject } from 'rxjs';

/** The part of the browser WebSocket the viewer link uses (binary frames down), so tests can hand in a fake. */
export interface SessionSocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export const SESSION_SOCKET_FACTORY = new InjectionToken<(url: string) => SessionSocketLike>('SESSION_SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (url: string) => new WebSocket(url),
});

/** Where the session gateway listens: same origin as the page (the dev server proxies it). */
export const SESSION_SOCKET_URL = new InjectionToken<string>('SESSION_SOCKET_URL', {
  providedIn: 'root',
  factory: () => {
    const location = inject(DOCUMENT).location;
    return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SESSION_WS_PATH}`;
  },
});

/**
 * Where the viewer stands: connecting (first hello on its way), open (welcomed), reconnecting (the link
 * dropped, a new one follows), ended (the session is over: `endReason` says why) or refused (not allowed,
 * unknown session: `refusal` says which).
 */
export type ViewerLinkState = 'connecting' | 'open' | 'reconnecting' | 'ended' | 'refused';

export type Welcome = Extract<ViewerServerMessage, { type: 'welcome' }>;

/** How the viewer proves who it is: a technician's access token (refreshed when refused as expired) or a guest's viewer token. */
export interface ViewerCredentials {
  token(): string | null;
  /** A fresh token after a 4401, or null when there is none to get (a guest's token does not renew). */
  renew(): Promise<string | null>;
}

const RECONNECT_BASE_MS = 1_000;
const RECONNECT_MAX_MS = 15_000;

/**
 * One viewer's link to one session (`/session`): says hello, asks for a keyframe on each (re)connection,
 * passes screen and prompt frames on, keeps the session's state (agent, viewers, sharer) and reconnects
 * after a dropped link. The server's close codes end it: 4410 ended, 4401 (once renewed) / 4403 / 4404 refused.
 */
@Injectable()
export class SessionConnection {
  private readonly createSocket = inject(SESSION_SOCKET_FACTORY);
  private readonly url = inject(SESSION_SOCKET_URL);
  private socket: SessionSocketLike | undefined;
  private sessionId = '';
  private credentials: ViewerCredentials | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private renewed = false;
  private stopped = false;

  readonly state = signal<ViewerLinkState>('connecting');
  readonly welcome = signal<Welcome | null>(null);
  readonly agent = signal<AgentLinkState>('waiting');
  readonly viewers = signal<readonly SessionViewerInfo[]>([]);
  readonly sharer = signal<string | null>(null);
  readonly endReason = signal<string | null>(null);
  /** Why the server refused the viewer: UNAUTHORIZED, FORBIDDEN, NOT_FOUND or the code of its last error. */
  readonly refusal = signal<string | null>(null);
  /** The server's last error message (a refused input, a prompt it would not open...). */
  readonly lastError = signal<{ code: string; message: string } | null>(null);

  readonly screenFrames = new Subject<DecodedFrame<ScreenFrameHeader>>();
  readonly promptOutput = new Subject<DecodedFrame<PromptOutputHeader>>();
  readonly promptEvents = new Subject<Extract<ViewerServerMessage, { type: 'prompt-opened' | 'prompt-exit' }>>();
  /** A new link was welcomed: the viewer drops what it drew and waits for the keyframe asked. */
  readonly welcomed = new Subject<Welcome>();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  connect(sessionId: string, credentials: ViewerCredentials): void {
    this.sessionId = sessionId;
    this.credentials = credentials;
    this.open();
  }

  /** Sends a message when the link is open; what a closed link would lose is not worth queueing (input, acks). */
  send(message: ViewerMessage): boolean {
    if (!this.socket || this.socket.readyState !== 1 || this.state() !== 'open') return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'viewer left');
  }

  private open(): void {
    if (this.stopped) return;
    const token = this.credentials?.token() ?? null;
    if (!token) {
      this.refuse('UNAUTHORIZED');
      return;
    }
    const socket = this.createSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      socket.send(JSON.stringify({ type: 'hello', protocol: SESSION_PROTOCOL_VERSION, sessionId: this.sessionId, token } satisfies ViewerMessage));
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onerror = () => undefined;
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      void this.closed(event.code);
    };
  }

  private receive(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      this.frame(new Uint8Array(data));
      return;
    }
    if (typeof data !== 'string') return;
    let message: ViewerServerMessage;
    try {
      message = JSON.parse(data) as ViewerServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.failures = 0;
        this.renewed = false;
        this.welcome.set(message);
        this.state.set('open');
        this.welcomed.next(message);
        this.send({ type: 'keyframe' });
        return;
      case 'state':
        this.agent.set(message.agent);
        this.viewers.set(message.viewers);
        this.sharer.set(message.sharer);
        return;
      case 'prompt-opened':
      case 'prompt-exit':
        this.promptEvents.next(message);
        return;
      case 'ended':
        this.endReason.set(message.reason);
        this.state.set('ended');
        return;
      case 'error':
        this.lastError.set({ code: message.code, message: message.message });
        return;
      default:
        return;
    }
  }

  private frame(bytes: Uint8Array): void {
    const frame = decodeFrame(bytes);
    if ('error' in frame) return;
    if (frame.kind === FRAME_KIND.SCREEN) this.screenFrames.next(frame as DecodedFrame<ScreenFrameHeader>);
    else this.promptOutput.next(frame as DecodedFrame<PromptOutputHeader>);
  }

  private async closed(code: number): Promise<void> {
    if (this.stopped || this.state() === 'ended') return;
    switch (code) {
      case SESSION_CLOSE.ENDED:
        this.state.set('ended');
        return;
      case SESSION_CLOSE.UNAUTHORIZED:
        if (!this.renewed && (await this.renew())) return;
        this.refuse('UNAUTHORIZED');
        return;
      case SESSION_CLOSE.FORBIDDEN:
        this.refuse('FORBIDDEN');
        return;
      case SESSION_CLOSE.NOT_FOUND:
        this.refuse('NOT_FOUND');
        return;
      case SESSION_CLOSE.PROTOCOL_ERROR:
        this.refuse(this.lastError()?.code ?? 'PROTOCOL_ERROR');
        return;
      default:
        this.scheduleReconnect();
    }
  }

  /** An access token past its 15 minutes: one refresh, then hello again. */
  private async renew(): Promise<boolean> {
    this.renewed = true;
    const token = await this.credentials?.renew().catch(() => null);
    if (!token || this.stopped) return false;
    this.state.set('reconnecting');
    this.open();
    return true;
  }

  private scheduleReconnect(): void {
    this.state.set('reconnecting');
    const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** this.failures);
    this.failures += 1;
    this.reconnectTimer = setTimeout(() => this.open(), ceiling / 2 + Math.random() * (ceiling / 2));
  }

  private refuse(code: string): void {
    this.refusal.set(code);
    this.state.set('refused');
  }
}
