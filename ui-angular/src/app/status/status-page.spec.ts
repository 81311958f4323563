import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';

import { FakeSocketServer } from '../../testing/fake-web-socket';
import { degradedView, healthyView } from '../../testing/health-views';
import { WEB_SOCKET_FACTORY } from '../console-link/console-socket.service';
import { DateTimeService } from '../date-time/date-time.service';
import { LanguageService } from '../i18n/language.service';
import { provideI18n } from '../i18n/provide-i18n';
import { HEALTH_URL } from './health.store';
import { StatusPage } from './status-page';

describe('StatusPage', () => {
  let server: FakeSocketServer;
  let http: HttpTestingController;
  let fixture: ComponentFixture<StatusPage>;

  const byTestId = (id: string): HTMLElement => fixture.nativeElement.querySelector(`[data-testid="${id}"]`);
  const rows = (): HTMLTableRowElement[] =>
    Array.from(fixture.nativeElement.querySelectorAll('[data-testid="projection-row"]'));
  const cells = (row: HTMLTableRowElement): string[] => Array.from(row.cells, (cell) => cell.textContent?.trim() ?? '');

  beforeEach(async () => {
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    server = new FakeSocketServer();
    TestBed.configureTestingModule({
      imports: [StatusPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideI18n(),
        { provide: WEB_SOCKET_FACTORY, useValue: server.factory },
      ],
    });
    await TestBed.inject(LanguageService).use('en', false);
    TestBed.inject(DateTimeService).setPreferences({ timeZone: 'Europe/Paris', hour12: false });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(StatusPage);
    await fixture.whenStable();
  });

  afterEach(() => {
    http.verify();
    jest.restoreAllMocks();
  });

  it('renders the health read over HTTP at start', async () => {
    expect(byTestId('overall-status').textContent?.trim()).toBe('Checking…');

    http.expectOne(HEALTH_URL).flush(healthyView());
    await fixture.whenStable();

    expect(byTestId('overall-status').dataset['status']).toBe('ok');
    expect(byTestId('overall-status').textContent?.trim()).toBe('Operational');
    expect(byTestId('event-store-adapter').textContent?.trim()).toBe('sqlite');
    expect(byTestId('event-store-head').textContent?.trim()).toBe('1042');
    expect(byTestId('read-store-adapter').textContent?.trim()).toBe('memory');
    expect(byTestId('last-update').textContent?.trim()).toBe('Mar 1, 2025, 11:00:00');
    expect(rows().map(cells)).toEqual([
      ['computer-list', '1', 'Running', '1042', '0', '0', '—'],
      ['session-history', '2', 'Catching up', '990', '52', '1,250', '—'],
    ]);
  });

  it('shows a degraded server that answered 503 with its health body', async () => {
    http.expectOne(HEALTH_URL).flush(degradedView(), { status: 503, statusText: 'Service Unavailable' });
    await fixture.whenStable();

    expect(byTestId('overall-status').dataset['status']).toBe('degraded');
    expect(byTestId('read-store-status').textContent?.trim()).toBe('Down');
    expect(cells(rows()[0])[6]).toContain('unknown event version');
    expect(cells(rows()[0])[6]).toContain('ComputerRenamed @ 1044');
  });

  it('subscribes on the console link and updates when a health message arrives', async () => {
    http.expectOne(HEALTH_URL).flush(healthyView());
    await fixture.whenStable();
    expect(byTestId('live-indicator').dataset['state']).toBe('reconnecting');

    const socket = server.latest;
    expect(socket.url).toBe(`ws://${location.host}/console`);
    socket.open();
    await fixture.whenStable();
    expect(socket.sent).toEqual([
      { event: 'hello', data: { protocol: 1 } },
      { event: 'subscribe', data: { topics: ['health'] } },
    ]);
    expect(byTestId('live-indicator').dataset['state']).toBe('live');
    expect(byTestId('live-indicator').textContent?.trim()).toBe('Live');

    socket.push({ event: 'health', data: degradedView('2025-03-01T10:00:05.000Z') });
    await fixture.whenStable();

    expect(byTestId('overall-status').textContent?.trim()).toBe('Degraded');
    expect(byTestId('event-store-head').textContent?.trim()).toBe('1050');
    expect(byTestId('last-update').textContent?.trim()).toBe('Mar 1, 2025, 11:00:05');
    expect(rows()).toHaveLength(1);
    expect(rows()[0].dataset['state']).toBe('failed');
  });

  it('keeps the newer pushed health when an older HTTP answer lands after it', async () => {
    server.latest.open();
    server.latest.push({ event: 'health', data: degradedView('2025-03-01T10:00:05.000Z') });
    http.expectOne(HEALTH_URL).flush(healthyView({ checkedAt: '2025-03-01T10:00:00.000Z' }));
    await fixture.whenStable();

    expect(byTestId('overall-status').dataset['status']).toBe('degraded');
  });

  it('shows the page in the chosen language, dates included', async () => {
    http.expectOne(HEALTH_URL).flush(healthyView());
    await TestBed.inject(LanguageService).use('de', false);
    await fixture.whenStable();

    expect(byTestId('overall-status').textContent?.trim()).toBe('Betriebsbereit');
    expect(byTestId('last-update').textContent?.trim()).toBe('01.03.2025, 11:00:00');
    expect(cells(rows()[1])).toEqual(['session-history', '2', 'Holt auf', '990', '52', '1.250', '—']);
  });

  it('says the server is down when /health cannot be reached and the link is closed', async () => {
    http.expectOne(HEALTH_URL).error(new ProgressEvent('error'), { status: 0 });
    server.latest.serverClose();
    await fixture.whenStable();

    expect(byTestId('overall-status').dataset['status']).toBe('down');
    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain('cannot be reached');
  });
});
