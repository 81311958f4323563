import { HttpTestingController } from '@angular/common/http/testing';
import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { consoleTestProviders, meView, settle, signedIn, tokenPair } from '../../testing/auth-fixtures';
import { FakeSocketServer, type FakeWebSocket } from '../../testing/fake-web-socket';
import { healthyView } from '../../testing/health-views';
import { AUTH_API } from '../auth/auth-api';
import { AuthService } from '../auth/auth.service';
import {
  CONSOLE_AUTH,
  CONSOLE_SOCKET_URL,
  type ConsoleAuth,
  ConsoleSocketService,
  RECONNECT_BASE_MS,
  RECONNECT_MAX_MS,
  WEB_SOCKET_FACTORY,
} from './console-socket.service';

describe('ConsoleSocketService', () => {
  let server: FakeSocketServer;
  let link: ConsoleSocketService;

  beforeEach(() => {
    jest.useFakeTimers();
    server = new FakeSocketServer();
    TestBed.configureTestingModule({
      providers: [
        { provide: WEB_SOCKET_FACTORY, useValue: server.factory },
        { provide: CONSOLE_SOCKET_URL, useValue: 'ws://server.test/console' },
      ],
    });
    link = TestBed.inject(ConsoleSocketService);
  });

  afterEach(() => jest.useRealTimers());

  it('opens only when a topic is watched, then says hello before subscribing', () => {
    expect(server.sockets).toHaveLength(0);
    link.watch(['health']);
    expect(link.state()).toBe('connecting');

    server.latest.open();
    expect(link.state()).toBe('open');
    expect(server.latest.sent).toEqual([
      { event: 'hello', data: { protocol: 1 } },
      { event: 'subscribe', data: { topics: ['health'] } },
    ]);
  });

  it('reconnects with growing delays and subscribes again', () => {
    link.watch(['health']);
    server.latest.serverClose();
    expect(link.state()).toBe('closed');

    jest.advanceTimersByTime(RECONNECT_BASE_MS);
    expect(server.sockets).toHaveLength(2);
    server.latest.serverClose();
    jest.advanceTimersByTime(RECONNECT_BASE_MS);
    expect(server.sockets.length).toBeLessThanOrEqual(3);
    jest.advanceTimersByTime(RECONNECT_BASE_MS);
    expect(server.sockets).toHaveLength(3);

    server.latest.open();
    expect(server.latest.sent).toContainEqual({ event: 'subscribe', data: { topics: ['health'] } });
  });

  it('never waits longer than the ceiling between attempts', () => {
    link.watch(['health']);
    for (let attempt = 1; attempt <= 10; attempt++) {
      server.latest.serverClose();
      jest.advanceTimersByTime(RECONNECT_MAX_MS);
      expect(server.sockets).toHaveLength(attempt + 1);
    }
  });

  it('delivers messages of the asked kind and ignores malformed ones', () => {
    const received: unknown[] = [];
    link.on('health').subscribe((view) => received.push(view));
    link.watch(['health']);
    server.latest.open();

    server.latest.onmessage?.(new MessageEvent('message', { data: 'not json' }));
    server.latest.push({ event: 'welcome', data: { protocol: 1, principal: null } });
    server.latest.push({ event: 'health', data: healthyView() });

    expect(received).toEqual([healthyView()]);
  });

  it('unsubscribes a topic when its last watcher releases it', () => {
    const releaseA = link.watch(['health']);
    const releaseB = link.watch(['health']);
    server.latest.open();

    releaseA();
    expect(server.latest.sent).not.toContainEqual({ event: 'unsubscribe', data: { topics: ['health'] } });
    releaseB();
    expect(server.latest.sent).toContainEqual({ event: 'unsubscribe', data: { topics: ['health'] } });
  });
});

/** The session as the link sees it: a token signal, a refresh the test answers, a session end. */
class FakeAuth implements ConsoleAuth {
  readonly token = signal<string | null>(null);
  readonly accessToken = this.token.asReadonly();
  private readonly pending: { resolve: (token: string) => void; reject: (error: unknown) => void }[] = [];
  readonly refresh = jest.fn(
    () =>
      new Promise<string>((resolve, reject) => {
        this.pending.push({ resolve, reject });
      }),
  );
  readonly sessionEnded = jest.fn(() => this.token.set(null));

  /** The refresh succeeds: the session holds the new token, as AuthService does before resolving. */
  refreshed(token: string): void {
    this.token.set(token);
    this.pending.shift()?.resolve(token);
  }

  refreshFailed(): void {
    this.pending.shift()?.reject(new Error('offline'));
  }
}

const hellos = (socket: FakeWebSocket): unknown[] => socket.sent.filter((message) => (message as { event: string }).event === 'hello');
const expiredError = { event: 'error', data: { code: 'TOKEN_EXPIRED', message: 'expired' } } as const;

/** Lets the refresh promise's callbacks run (the fake clock does not hold promises back). */
const drain = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('ConsoleSocketService following the session', () => {
  let server: FakeSocketServer;
  let auth: FakeAuth;
  let link: ConsoleSocketService;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    server = new FakeSocketServer();
    auth = new FakeAuth();
    TestBed.configureTestingModule({
      providers: [
        { provide: WEB_SOCKET_FACTORY, useValue: server.factory },
        { provide: CONSOLE_SOCKET_URL, useValue: 'ws://server.test/console' },
        { provide: CONSOLE_AUTH, useValue: auth },
      ],
    });
    link = TestBed.inject(ConsoleSocketService);
    TestBed.tick();
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('opened before sign-in: asks only for public topics, then says hello with the token and asks for the rest', () => {
    link.watch(['health', 'read-models']);
    const socket = server.latest;
    socket.open();
    expect(socket.sent).toEqual([
      { event: 'hello', data: { protocol: 1 } },
      { event: 'subscribe', data: { topics: ['health'] } },
    ]);

    auth.token.set('access-1');
    TestBed.tick();
    expect(server.sockets).toHaveLength(1);
    expect(socket.sent.slice(2)).toEqual([
      { event: 'hello', data: { protocol: 1, token: 'access-1' } },
      { event: 'subscribe', data: { topics: ['read-models'] } },
    ]);
    socket.push({ event: 'welcome', data: { protocol: 1, principal: 'user' } });
    expect(link.principal()).toBe('user');
  });

  it('says hello with the new token after every refresh, on the same socket', () => {
    auth.token.set('access-1');
    link.watch(['read-models']);
    const socket = server.latest;
    socket.open();
    expect(hellos(socket)).toEqual([{ event: 'hello', data: { protocol: 1, token: 'access-1' } }]);

    auth.token.set('access-2');
    TestBed.tick();
    auth.token.set('access-3');
    TestBed.tick();
    expect(hellos(socket)).toEqual([
      { event: 'hello', data: { protocol: 1, token: 'access-1' } },
      { event: 'hello', data: { protocol: 1, token: 'access-2' } },
      { event: 'hello', data: { protocol: 1, token: 'access-3' } },
    ]);
    expect(server.sockets).toHaveLength(1);
  });

  it('holds a topic that needs sign-in while the socket is anonymous', () => {
    link.watch(['health']);
    server.latest.open();
    link.watch(['read-models']);
    expect(server.latest.sent).not.toContainEqual({ event: 'subscribe', data: { topics: ['read-models'] } });

    auth.token.set('access-1');
    TestBed.tick();
    expect(server.latest.sent).toContainEqual({ event: 'subscribe', data: { topics: ['read-models'] } });
  });

  it('refreshes once on TOKEN_EXPIRED, however often it is told, and says hello with the new token', async () => {
    auth.token.set('access-1');
    link.watch(['read-models']);
    const socket = server.latest;
    socket.open();
    socket.push({ event: 'welcome', data: { protocol: 1, principal: 'user' } });

    socket.push(expiredError);
    socket.push(expiredError);
    expect(link.principal()).toBeNull();
    expect(auth.refresh).toHaveBeenCalledTimes(1);

    auth.refreshed('access-2');
    await drain();
    TestBed.tick();
    expect(hellos(socket)).toEqual([
      { event: 'hello', data: { protocol: 1, token: 'access-1' } },
      { event: 'hello', data: { protocol: 1, token: 'access-2' } },
    ]);
    expect(socket.sent.at(-1)).toEqual({ event: 'subscribe', data: { topics: ['read-models'] } });
  });

  it('does not refresh again while the new token is refused, and again after a welcome', async () => {
    auth.token.set('access-1');
    link.watch(['read-models']);
    const socket = server.latest;
    socket.open();
    socket.push(expiredError);
    auth.refreshed('access-2');
    await drain();
    // A server clock ahead of the token's issuer: refreshing again would loop.
    socket.push(expiredError);
    expect(auth.refresh).toHaveBeenCalledTimes(1);

    socket.push({ event: 'welcome', data: { protocol: 1, principal: 'user' } });
    socket.push(expiredError);
    expect(auth.refresh).toHaveBeenCalledTimes(2);
  });

  it('ignores the refusal of an older hello and a failed refresh', async () => {
    auth.token.set('access-1');
    link.watch(['read-models']);
    const socket = server.latest;
    socket.open();
    auth.token.set('access-2');
    TestBed.tick();
    // The first hello's answer arrives after the second hello left: it is not about the token in use.
    socket.push(expiredError);
    expect(auth.refresh).not.toHaveBeenCalled();

    socket.push(expiredError);
    expect(auth.refresh).toHaveBeenCalledTimes(1);
    auth.refreshFailed();
    await drain();
    expect(hellos(socket)).toHaveLength(2);
  });

  it('on sign-out replaces the socket with one that says hello without a token, at once', () => {
    auth.token.set('access-1');
    link.watch(['health', 'read-models']);
    const first = server.latest;
    first.open();

    auth.token.set(null);
    TestBed.tick();
    expect(first.readyState).toBe(3);
    expect(server.sockets).toHaveLength(2);
    server.latest.open();
    expect(server.latest.sent).toEqual([
      { event: 'hello', data: { protocol: 1 } },
      { event: 'subscribe', data: { topics: ['health'] } },
    ]);
    expect(link.state()).toBe('open');
  });

  it('ends the session when the server says it was revoked', () => {
    auth.token.set('access-1');
    link.watch(['read-models']);
    server.latest.open();
    server.latest.push({ event: 'error', data: { code: 'SESSION_REVOKED', message: 'This session has ended' } });
    expect(auth.sessionEnded).toHaveBeenCalledTimes(1);

    TestBed.tick();
    server.latest.open();
    expect(hellos(server.latest)).toEqual([{ event: 'hello', data: { protocol: 1 } }]);
  });
});

@Component({ template: '' })
class Blank {}

describe('ConsoleSocketService with AuthService', () => {
  let sockets: FakeSocketServer;
  let http: HttpTestingController;
  let link: ConsoleSocketService;

  beforeEach(async () => {
    localStorage.clear();
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    sockets = new FakeSocketServer();
    TestBed.configureTestingModule({ providers: [...consoleTestProviders(sockets), provideRouter([{ path: '**', component: Blank }])] });
    http = TestBed.inject(HttpTestingController);
    link = TestBed.inject(ConsoleSocketService);
  });

  afterEach(() => {
    http.verify();
    jest.restoreAllMocks();
  });

  it('says hello once signed in, and after TOKEN_EXPIRED refreshes once through the session and says hello again', async () => {
    link.watch(['read-models']);
    const socket = sockets.latest;
    socket.open();
    expect(hellos(socket)).toEqual([{ event: 'hello', data: { protocol: 1 } }]);

    await signedIn(meView(), tokenPair({ accessToken: 'A1', refreshToken: 'R1' }));
    TestBed.tick();
    expect(hellos(socket).at(-1)).toEqual({ event: 'hello', data: { protocol: 1, token: 'A1' } });

    socket.push(expiredError);
    socket.push(expiredError);
    await settle();
    const refresh = http.expectOne(AUTH_API.refresh);
    expect(refresh.request.body).toEqual({ refreshToken: 'R1' });
    refresh.flush(tokenPair({ accessToken: 'A2', refreshToken: 'R2' }));
    await settle();
    TestBed.tick();
    expect(hellos(socket)).toEqual([
      { event: 'hello', data: { protocol: 1 } },
      { event: 'hello', data: { protocol: 1, token: 'A1' } },
      { event: 'hello', data: { protocol: 1, token: 'A2' } },
    ]);
  });

  it('signing out sends a hello without a token on a fresh socket', async () => {
    await signedIn(meView(), tokenPair({ accessToken: 'A1' }));
    link.watch(['read-models']);
    sockets.latest.open();
    expect(hellos(sockets.latest)).toEqual([{ event: 'hello', data: { protocol: 1, token: 'A1' } }]);

    const signingOut = TestBed.inject(AuthService).signOut();
    http.expectOne(AUTH_API.logout).flush(null);
    await signingOut;
    TestBed.tick();
    expect(sockets.sockets).toHaveLength(2);
    sockets.latest.open();
    expect(hellos(sockets.latest)).toEqual([{ event: 'hello', data: { protocol: 1 } }]);
  });
});
