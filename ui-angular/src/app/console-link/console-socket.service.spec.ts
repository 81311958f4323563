import { TestBed } from '@angular/core/testing';

import { FakeSocketServer } from '../../testing/fake-web-socket';
import { healthyView } from '../../testing/health-views';
import {
  CONSOLE_ACCESS_TOKEN,
  CONSOLE_SOCKET_URL,
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

  it('says hello with the access token of the signed-in user, read at each connection', () => {
    let token: string | null = 'access-1';
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({
      providers: [
        { provide: WEB_SOCKET_FACTORY, useValue: server.factory },
        { provide: CONSOLE_SOCKET_URL, useValue: 'ws://server.test/console' },
        { provide: CONSOLE_ACCESS_TOKEN, useValue: () => token },
      ],
    });
    const signedInLink = TestBed.inject(ConsoleSocketService);
    signedInLink.watch(['health']);
    server.latest.open();
    expect(server.latest.sent[0]).toEqual({ event: 'hello', data: { protocol: 1, token: 'access-1' } });

    token = null;
    server.latest.serverClose();
    jest.advanceTimersByTime(RECONNECT_MAX_MS);
    server.latest.open();
    expect(server.latest.sent[0]).toEqual({ event: 'hello', data: { protocol: 1 } });
  });
});
