import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import {
  CONSOLE_PROTOCOL_VERSION,
  CONSOLE_WS_PATH,
  type ConsoleClientMessage,
  type ConsoleServerMessage,
  type ConsoleTopic,
} from '@contracts/console.messages';
import { BehaviorSubject, Observable, Subject, filter, map } from 'rxjs';

/** The part of the browser WebSocket the link uses, so tests can hand in a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export const WEB_SOCKET_FACTORY = new InjectionToken<(url: string) => WebSocketLike>('WEB_SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (url: string) => new WebSocket(url),
});

/** Where the console gateway listens: same origin as the page (the dev server proxies it). */
export const CONSOLE_SOCKET_URL = new InjectionToken<string>('CONSOLE_SOCKET_URL', {
  providedIn: 'root',
  factory: () => {
    const location = inject(DOCUMENT).location;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}${CONSOLE_WS_PATH}`;
  },
});

/** The signed-in user's access token for the hello; none (anonymous) until the auth feature provides it. */
export const CONSOLE_ACCESS_TOKEN = new InjectionToken<() => string | null | undefined>('CONSOLE_ACCESS_TOKEN', {
  providedIn: 'root',
  factory: () => () => undefined,
});

/** Reconnect delays grow from 1 s to 30 s; jitter keeps a restarted server from a stampede of consoles. */
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_MAX_MS = 30_000;

export type ConsoleLinkState = 'idle' | 'connecting' | 'open' | 'closed';
type ServerEvent = ConsoleServerMessage['event'];
type ServerData<E extends ServerEvent> = Extract<ConsoleServerMessage, { event: E }>['data'];

/**
 * One WebSocket per browser tab to the console gateway, shared by every page. It says hello, keeps
 * the topics the pages asked for subscribed across reconnects, and reconnects with back-off.
 */
@Injectable({ providedIn: 'root' })
export class ConsoleSocketService {
  private readonly createSocket = inject(WEB_SOCKET_FACTORY);
  private readonly url = inject(CONSOLE_SOCKET_URL);
  private readonly accessToken = inject(CONSOLE_ACCESS_TOKEN);
  private readonly topicUsers = new Map<ConsoleTopic, number>();
  private readonly messages = new Subject<ConsoleServerMessage>();
  private readonly stateSubject = new BehaviorSubject<ConsoleLinkState>('idle');
  private readonly stateSignal = signal<ConsoleLinkState>('idle');
  private socket: WebSocketLike | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private failedAttempts = 0;
  private stopped = false;

  readonly state = this.stateSignal.asReadonly();
  readonly state$: Observable<ConsoleLinkState> = this.stateSubject.asObservable();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /** Messages of one kind; subscribing does not open the link, `watch` does. */
  on<E extends ServerEvent>(event: E): Observable<ServerData<E>> {
    return this.messages.pipe(
      filter((message): message is Extract<ConsoleServerMessage, { event: E }> => message.event === event),
      map((message) => message.data as ServerData<E>),
    );
  }

  /** Subscribes to topics (opening the link if needed); the returned function releases them. */
  watch(topics: readonly ConsoleTopic[]): () => void {
    const added = topics.filter((topic) => this.addUser(topic));
    if (added.length > 0) this.sendIfOpen({ event: 'subscribe', data: { topics: added } });
    this.connect();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const removed = topics.filter((topic) => this.removeUser(topic));
      if (removed.length > 0) this.sendIfOpen({ event: 'unsubscribe', data: { topics: removed } });
    };
  }

  private connect(): void {
    if (this.socket || this.reconnectTimer || this.stopped) return;
    this.setState('connecting');
    let socket: WebSocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.failedAttempts = 0;
      this.setState('open');
      const token = this.accessToken();
      this.send({ event: 'hello', data: token ? { protocol: CONSOLE_PROTOCOL_VERSION, token } : { protocol: CONSOLE_PROTOCOL_VERSION } });
      const topics = [...this.topicUsers.keys()];
      if (topics.length > 0) this.send({ event: 'subscribe', data: { topics } });
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.scheduleReconnect();
    };
    // An error is always followed by a close, which is where reconnecting happens.
    socket.onerror = () => undefined;
  }

  private scheduleReconnect(): void {
    this.setState('closed');
    if (this.stopped) return;
    const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** this.failedAttempts);
    this.failedAttempts += 1;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { event, data } = message as { event?: unknown; data?: unknown };
    if (typeof event !== 'string' || typeof data !== 'object' || data === null) return;
    if (event === 'error') console.warn('Console link error from server', data);
    this.messages.next(message as ConsoleServerMessage);
  }

  private addUser(topic: ConsoleTopic): boolean {
    const users = this.topicUsers.get(topic) ?? 0;
    this.topicUsers.set(topic, users + 1);
    return users === 0;
  }

  private removeUser(topic: ConsoleTopic): boolean {
    const users = this.topicUsers.get(topic) ?? 0;
    if (users <= 1) {
      this.topicUsers.delete(topic);
      return users === 1;
    }
    this.topicUsers.set(topic, users - 1);
    return false;
  }

  private sendIfOpen(message: ConsoleClientMessage): void {
    if (this.stateSubject.value === 'open') this.send(message);
  }

  private send(message: ConsoleClientMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  private setState(state: ConsoleLinkState): void {
    if (this.stateSubject.value === state) return;
    this.stateSignal.set(state);
    this.stateSubject.next(state);
  }

  private stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
    this.messages.complete();
  }
}
