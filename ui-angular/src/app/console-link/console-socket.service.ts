import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, InjectionToken, type Signal, effect, inject, signal, untracked } from '@angular/core';
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

/**
 * What the link needs of the signed-in session. The auth feature provides it (provideAuth); the default
 * is a console nobody signed in to, whose socket stays anonymous.
 */
export interface ConsoleAuth {
  /** The access token to say hello with; the link follows it through sign-in, refreshes and sign-out. */
  readonly accessToken: Signal<string | null>;
  /** A fresh access token; concurrent callers share one refresh. Rejects when the session is over. */
  refresh(): Promise<string>;
  /** The server says the session behind the token has ended (revoked elsewhere): end it here too. */
  sessionEnded(): void;
}

export const CONSOLE_AUTH = new InjectionToken<ConsoleAuth>('CONSOLE_AUTH', {
  providedIn: 'root',
  factory: () => ({
    accessToken: signal<string | null>(null).asReadonly(),
    refresh: () => Promise.reject(new Error('Nobody can sign in to this console')),
    sessionEnded: () => undefined,
  }),
});

/** Topics the server grants only to a socket whose hello carried a good token; it refuses them to anonymous ones. */
const NEEDS_SIGN_IN: Readonly<Record<ConsoleTopic, boolean>> = { health: false, 'read-models': true };

/** Errors that answer a hello: each hello gets one of these or a welcome. */
const HELLO_ANSWERS: ReadonlySet<string> = new Set([
  'PROTOCOL_UNSUPPORTED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'SESSION_REVOKED',
  'SESSION_UNKNOWN',
  'PASSWORD_CHANGE_REQUIRED',
  'UNAVAILABLE',
]);
/** Errors after which the server treats the socket as anonymous (its subscriptions stay). */
const LEFT_ANONYMOUS: ReadonlySet<string> = new Set([...HELLO_ANSWERS].filter((code) => code !== 'PROTOCOL_UNSUPPORTED'));

/** Reconnect delays grow from 1 s to 30 s; jitter keeps a restarted server from a stampede of consoles. */
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_MAX_MS = 30_000;

export type ConsoleLinkState = 'idle' | 'connecting' | 'open' | 'closed';
type ServerEvent = ConsoleServerMessage['event'];
type ServerData<E extends ServerEvent> = Extract<ConsoleServerMessage, { event: E }>['data'];

/**
 * One WebSocket per browser tab to the console gateway, shared by every page. It says hello, keeps
 * the topics the pages asked for subscribed across reconnects, and reconnects with back-off.
 *
 * It follows the session: a new access token (sign-in, refresh) is presented in a new hello on the open
 * socket; on sign-out the socket is replaced, because this server keeps a socket's user through a
 * token-less hello. When the server says the socket's token expired, the link refreshes it (once, until
 * a hello is welcomed again) and says hello with the new one; a revoked session ends the session here.
 */
@Injectable({ providedIn: 'root' })
export class ConsoleSocketService {
  private readonly createSocket = inject(WEB_SOCKET_FACTORY);
  private readonly url = inject(CONSOLE_SOCKET_URL);
  private readonly auth = inject(CONSOLE_AUTH);
  private readonly topicUsers = new Map<ConsoleTopic, number>();
  private readonly messages = new Subject<ConsoleServerMessage>();
  private readonly stateSubject = new BehaviorSubject<ConsoleLinkState>('idle');
  private readonly stateSignal = signal<ConsoleLinkState>('idle');
  private readonly principalSignal = signal<string | null>(null);
  private socket: WebSocketLike | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private failedAttempts = 0;
  private stopped = false;
  /** The token of the open socket's last hello (null: it said hello without one). */
  private helloToken: string | null = null;
  /** Hellos of the open socket not yet answered by a welcome or a refusal. */
  private unanswered = 0;
  /** A refresh was asked for an expired token and no hello was welcomed since: asking again could loop. */
  private renewed = false;

  readonly state = this.stateSignal.asReadonly();
  readonly state$: Observable<ConsoleLinkState> = this.stateSubject.asObservable();
  /** Who the server last said is on the socket ('user', 'operator'), null while anonymous or closed. */
  readonly principal = this.principalSignal.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
    effect(() => {
      const token = this.auth.accessToken();
      untracked(() => this.follow(token));
    });
  }

  /** Messages of one kind; subscribing does not open the link, `watch` does. */
  on<E extends ServerEvent>(event: E): Observable<ServerData<E>> {
    return this.messages.pipe(
      filter((message): message is Extract<ConsoleServerMessage, { event: E }> => message.event === event),
      map((message) => message.data as ServerData<E>),
    );
  }

  /**
   * Subscribes to topics (opening the link if needed); the returned function releases them. Topics that
   * need a signed-in socket are asked for once the socket has said hello with a token.
   */
  watch(topics: readonly ConsoleTopic[]): () => void {
    const added = topics.filter((topic) => this.addUser(topic));
    if (this.stateSubject.value === 'open') {
      this.subscribe(added.filter((topic) => !NEEDS_SIGN_IN[topic]));
      if (this.helloToken) this.subscribe(added.filter((topic) => NEEDS_SIGN_IN[topic]));
    }
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
    this.forgetSocketSession();
    let socket: WebSocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.failedAttempts = 0;
      this.setState('open');
      this.hello(this.auth.accessToken());
      this.subscribe(this.wanted(false));
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.forgetSocketSession();
      this.scheduleReconnect();
    };
    // An error is always followed by a close, which is where reconnecting happens.
    socket.onerror = () => undefined;
  }

  /**
   * Says hello with the token, then asks for the topics that need it: the server handles a socket's
   * messages in order, so they are granted when the token is good (and refused, harmlessly, when not).
   */
  private hello(token: string | null): void {
    this.helloToken = token;
    this.unanswered += 1;
    this.send({ event: 'hello', data: token ? { protocol: CONSOLE_PROTOCOL_VERSION, token } : { protocol: CONSOLE_PROTOCOL_VERSION } });
    if (token) this.subscribe(this.wanted(true));
  }

  /** The session's access token changed (sign-in, refresh, sign-out): tell the open socket. */
  private follow(token: string | null): void {
    // A socket not open yet says hello with the token of the moment it opens.
    if (this.stopped || !this.socket || this.stateSubject.value !== 'open' || token === this.helloToken) return;
    if (token) this.hello(token);
    else this.replaceSocket();
  }

  /** A fresh socket is an anonymous one: the old one goes without back-off, it did not fail. */
  private replaceSocket(): void {
    const old = this.socket;
    this.socket = undefined;
    old?.close(1000, 'signed out');
    this.failedAttempts = 0;
    this.connect();
  }

  private forgetSocketSession(): void {
    this.helloToken = null;
    this.unanswered = 0;
    this.renewed = false;
    this.principalSignal.set(null);
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
    const known = message as ConsoleServerMessage;
    if (known.event === 'welcome') this.welcomed(known.data.principal);
    if (known.event === 'error') this.refused(known.data.code, known.data);
    this.messages.next(known);
  }

  private welcomed(principal: unknown): void {
    this.unanswered = Math.max(0, this.unanswered - 1);
    const who = typeof principal === 'string' ? principal : null;
    this.principalSignal.set(who);
    if (who !== null) this.renewed = false;
  }

  private refused(code: unknown, data: unknown): void {
    console.warn('Console link error from server', data);
    if (typeof code !== 'string') return;
    if (LEFT_ANONYMOUS.has(code)) this.principalSignal.set(null);
    if (!HELLO_ANSWERS.has(code)) return;
    // An older hello's refusal while a newer one is on its way: the newer one gets its own answer.
    if (this.unanswered > 1) {
      this.unanswered -= 1;
      return;
    }
    this.unanswered = 0;
    // Only the token the session holds now is worth acting on; a newer one is already being presented.
    const token = this.helloToken;
    if (!token || token !== this.auth.accessToken()) return;
    if (code === 'TOKEN_EXPIRED') this.renew();
    if (code === 'SESSION_REVOKED') this.auth.sessionEnded();
  }

  /** Refreshes an expired token, once until a hello is welcomed again, then says hello with the new one. */
  private renew(): void {
    if (this.renewed) return;
    this.renewed = true;
    // A refused refresh ends the session (the sign-out path replaces the socket); a failed one leaves the
    // socket anonymous until the next token the session gets, which the link then presents.
    this.auth.refresh().then(
      () => this.follow(this.auth.accessToken()),
      () => undefined,
    );
  }

  /** The topics the app wants of one kind: those that need a signed-in socket, or those that do not. */
  private wanted(signedIn: boolean): ConsoleTopic[] {
    return [...this.topicUsers.keys()].filter((topic) => NEEDS_SIGN_IN[topic] === signedIn);
  }

  private subscribe(topics: readonly ConsoleTopic[]): void {
    if (topics.length > 0) this.send({ event: 'subscribe', data: { topics } });
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
