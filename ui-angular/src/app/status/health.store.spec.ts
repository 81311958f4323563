import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { FakeSocketServer } from '../../testing/fake-web-socket';
import { healthyView } from '../../testing/health-views';
import { RECONNECT_MAX_MS, WEB_SOCKET_FACTORY } from '../console-link/console-socket.service';
import { HEALTH_POLL_MS, HEALTH_URL, HealthStore } from './health.store';

describe('HealthStore polling fallback', () => {
  let server: FakeSocketServer;
  let http: HttpTestingController;
  let store: HealthStore;

  beforeEach(() => {
    jest.useFakeTimers();
    server = new FakeSocketServer();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        HealthStore,
        { provide: WEB_SOCKET_FACTORY, useValue: server.factory },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(HealthStore);
    http.expectOne(HEALTH_URL).flush(healthyView());
  });

  afterEach(() => {
    http.verify();
    jest.useRealTimers();
  });

  it('polls /health every 30 s while the link is not open', () => {
    jest.advanceTimersByTime(HEALTH_POLL_MS - 1);
    http.expectNone(HEALTH_URL);
    jest.advanceTimersByTime(1);
    http.expectOne(HEALTH_URL).flush(healthyView({ checkedAt: '2025-03-01T10:00:30.000Z' }));
    expect(store.health()?.checkedAt).toBe('2025-03-01T10:00:30.000Z');
  });

  it('stops polling while the link is open, and resumes when it drops', () => {
    server.latest.open();
    jest.advanceTimersByTime(HEALTH_POLL_MS * 3);
    http.expectNone(HEALTH_URL);
    expect(store.live()).toBe(true);

    server.latest.serverClose();
    expect(store.live()).toBe(false);
    // The reconnect attempt fails to open; the poll carries on meanwhile.
    jest.advanceTimersByTime(HEALTH_POLL_MS);
    http.expectOne(HEALTH_URL).flush(healthyView());
  });

  it('stops polling and reconnecting when the page and app are gone', () => {
    server.latest.serverClose();
    TestBed.resetTestingModule();
    jest.advanceTimersByTime(HEALTH_POLL_MS + RECONNECT_MAX_MS);
    http.expectNone(HEALTH_URL);
    expect(server.sockets).toHaveLength(1);
  });
});
