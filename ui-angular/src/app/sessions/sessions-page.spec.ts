import { HttpTestingController, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { consoleTestProviders, meView, settle, signedIn } from '../../testing/auth-fixtures';
import { allByTestId, byTestId, maybeByTestId, text, typeInto } from '../../testing/dom';
import { FakeSessionSockets } from '../../testing/fake-session-socket';
import { FakeSocketServer } from '../../testing/fake-web-socket';
import { sessionRow } from '../../testing/session-rows';
import { routes } from '../app.routes';
import { LanguageService } from '../i18n/language.service';
import { SESSION_LIVE_DEBOUNCE_MS } from './session-notices';
import { SESSION_SOCKET_FACTORY } from './viewer/session-connection';
import { SESSIONS_URL, SESSION_CODES_URL, SESSION_LINKS_URL, SESSION_RECORDING_SETTING_URL, accountUrl, sessionUrl } from './sessions-api';

describe('Sessions page', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  let sockets: FakeSocketServer;

  const expectList = (): TestRequest => http.expectOne((request) => request.method === 'GET' && request.url === SESSIONS_URL);
  const rowIds = (section: string): string[] =>
    allByTestId(byTestId(harness.fixture, section), 'session-row').map((row) => row.dataset['id'] ?? '');

  async function open(role: 'owner' | 'technician' = 'technician'): Promise<void> {
    localStorage.clear();
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    sockets = new FakeSocketServer();
    TestBed.configureTestingModule({
      providers: [
        ...consoleTestProviders(sockets),
        provideRouter(routes, withComponentInputBinding()),
        // Connect lands on the viewer: its socket stays in memory.
        { provide: SESSION_SOCKET_FACTORY, useValue: new FakeSessionSockets().factory },
      ],
    });
    await TestBed.inject(LanguageService).use('en', false);
    http = TestBed.inject(HttpTestingController);
    await signedIn(meView({ role }));
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/sessions');
    await settle(harness.fixture);
    if (role === 'owner') http.expectOne(accountUrl('account-1')).flush({ id: 'account-1', sessionRecording: false });
  }

  afterEach(() => {
    jest.useRealTimers();
    http.verify();
    jest.restoreAllMocks();
  });

  it('lists my available connections and active sessions; Connect opens the viewer, Terminate ends one', async () => {
    await open();
    const first = expectList();
    expect([first.request.params.get('status'), first.request.params.get('scope')]).toEqual(['waiting,active', 'mine']);
    first.flush({
      items: [
        sessionRow({ id: 'waiting-link-1' }),
        sessionRow({ id: 'active-console-1', source: 'console', status: 'active', computerName: 'Reception PC', startedAt: '2024-01-15T13:01:00.000Z', technicians: [{ userId: 'user-1', displayName: 'Ann Smith' }], endUsers: [], ticket: null }),
      ],
    });
    await settle(harness.fixture);

    expect(rowIds('sessions-available')).toEqual(['waiting-link-1']);
    expect(rowIds('sessions-active')).toEqual(['active-console-1']);
    const waiting = allByTestId(harness.fixture, 'session-row')[0]!;
    expect(text(waiting, 'session-source')).toBe('Support link');
    expect(text(waiting, 'session-target')).toBe('Bob');
    expect(text(waiting, 'session-ticket')).toBe('Ticket T-42');
    expect(text(allByTestId(harness.fixture, 'session-row')[1]!, 'session-technicians')).toBe('with Ann Smith');
    // "Show all" is for owners and administrators.
    expect(maybeByTestId(harness.fixture, 'sessions-show-all')).toBeNull();

    byTestId(allByTestId(harness.fixture, 'session-row')[1]!, 'session-terminate').click();
    await settle(harness.fixture);
    http.expectOne((request) => request.method === 'DELETE' && request.url === sessionUrl('active-console-1')).flush(null, { status: 204, statusText: 'No Content' });
    await settle(harness.fixture);
    expectList().flush({ items: [sessionRow({ id: 'waiting-link-1' })] });
    await settle(harness.fixture);
    expect(rowIds('sessions-active')).toEqual([]);

    byTestId(harness.fixture, 'session-connect').click();
    await settle(harness.fixture);
    expect(TestBed.inject(Router).url).toBe('/sessions/waiting-link-1');
    // The viewer reads the session's row.
    http.expectOne(sessionUrl('waiting-link-1')).flush({ ...sessionRow({ id: 'waiting-link-1' }), commandLines: [] });
  });

  it('follows live notices of the sessions read model (one refresh per burst), not of other collections', async () => {
    await open();
    expectList().flush({ items: [] });
    await settle(harness.fixture);
    expect(maybeByTestId(harness.fixture, 'sessions-available-empty')).not.toBeNull();

    jest.useFakeTimers();
    const socket = sockets.latest;
    socket.open();
    socket.push({ event: 'welcome', data: { protocol: 1, principal: 'user' } });
    socket.push({ event: 'readModelUpdated', data: { collection: 'computer-list_v2', id: 'c1', position: '1', deleted: false } });
    await jest.advanceTimersByTimeAsync(SESSION_LIVE_DEBOUNCE_MS * 2);
    http.expectNone((request) => request.url === SESSIONS_URL);

    socket.push({ event: 'readModelUpdated', data: { collection: 'session-history', id: 'new-session', position: '2', deleted: false } });
    socket.push({ event: 'readModelUpdated', data: { collection: 'session-history', id: 'new-session', position: '3', deleted: false } });
    await jest.advanceTimersByTimeAsync(SESSION_LIVE_DEBOUNCE_MS);
    expectList().flush({ items: [sessionRow({ id: 'new-session' })] });
    await jest.advanceTimersByTimeAsync(0);
    harness.fixture.detectChanges();
    expect(rowIds('sessions-available')).toEqual(['new-session']);
  });

  it('lets an owner show colleagues’ sessions and turn recording on', async () => {
    await open('owner');
    expectList().flush({ items: [] });
    await settle(harness.fixture);
    const recording = byTestId<HTMLInputElement>(harness.fixture, 'sessions-recording');
    expect([recording.checked, recording.dataset['known']]).toEqual([false, 'true']);

    byTestId<HTMLInputElement>(harness.fixture, 'sessions-show-all').click();
    await settle(harness.fixture);
    const all = expectList();
    expect(all.request.params.get('scope')).toBe('all');
    all.flush({ items: [sessionRow({ id: 'colleague-1', ownerName: 'Carl Jones' })] });
    await settle(harness.fixture);
    expect(allByTestId(harness.fixture, 'session-row')[0]!.textContent).toContain('by Carl Jones');

    recording.click();
    await settle(harness.fixture);
    const put = http.expectOne(SESSION_RECORDING_SETTING_URL);
    expect([put.request.method, put.request.body]).toEqual(['PUT', { enabled: true }]);
    put.flush(null, { status: 204, statusText: 'No Content' });
    await settle(harness.fixture);
    expect(recording.checked).toBe(true);
  });

  it('makes a support link with a ticket, the end-user’s name, shortened and emailed, and shows it to copy', async () => {
    await open();
    expectList().flush({ items: [] });
    await settle(harness.fixture);
    const writeText = jest.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });

    byTestId(harness.fixture, 'sessions-send-link').click();
    await settle(harness.fixture);
    typeInto(harness.fixture, 'link-ticket', ' T-42 ');
    typeInto(harness.fixture, 'link-name', 'Bob');
    typeInto(harness.fixture, 'link-email', 'bob@example.com');
    byTestId<HTMLInputElement>(harness.fixture, 'link-shorten').click();
    byTestId(harness.fixture, 'link-create').click();
    await settle(harness.fixture);

    const post = http.expectOne(SESSION_LINKS_URL);
    expect(post.request.body).toEqual({ ticket: 'T-42', endUserName: 'Bob', shorten: true, email: 'bob@example.com' });
    post.flush({
      sessionId: 'link-session',
      url: 'https://sb.example/support/tok?ticket=T-42&name=Bob',
      shortUrl: 'https://sb.example/s/tok',
      expiresAt: '2024-01-16T13:00:00.000Z',
      emailed: true,
    });
    await settle(harness.fixture);
    // The new session shows in the list at once.
    expectList().flush({ items: [sessionRow({ id: 'link-session' })] });
    await settle(harness.fixture);

    expect(byTestId<HTMLInputElement>(harness.fixture, 'link-url').value).toBe('https://sb.example/s/tok');
    expect(text(harness.fixture, 'link-emailed')).toBe('Sent to bob@example.com.');
    byTestId(harness.fixture, 'link-copy').click();
    await settle(harness.fixture);
    expect(writeText).toHaveBeenCalledWith('https://sb.example/s/tok');
    expect(rowIds('sessions-available')).toEqual(['link-session']);
  });

  it('refuses a malformed email before asking the server', async () => {
    await open();
    expectList().flush({ items: [] });
    await settle(harness.fixture);
    byTestId(harness.fixture, 'sessions-send-link').click();
    await settle(harness.fixture);
    typeInto(harness.fixture, 'link-email', 'not an email');
    byTestId(harness.fixture, 'link-create').click();
    await settle(harness.fixture);
    http.expectNone(SESSION_LINKS_URL);
    expect(byTestId(harness.fixture, 'link-email').getAttribute('aria-invalid')).toBe('true');
  });

  it('shares a 6-digit connection ID, big, with its expiry counted down', async () => {
    await open();
    expectList().flush({ items: [] });
    await settle(harness.fixture);
    jest.useFakeTimers({ now: Date.parse('2024-01-15T13:00:00.000Z') });

    byTestId(harness.fixture, 'sessions-share-code').click();
    await jest.advanceTimersByTimeAsync(0);
    const post = http.expectOne(SESSION_CODES_URL);
    expect([post.request.method, post.request.body]).toEqual(['POST', {}]);
    post.flush({ sessionId: 'code-session', code: '042917', expiresAt: '2024-01-15T13:10:00.000Z' });
    await jest.advanceTimersByTimeAsync(0);
    expectList().flush({ items: [] });
    await jest.advanceTimersByTimeAsync(0);
    harness.fixture.detectChanges();

    expect(text(harness.fixture, 'code-digits')).toBe('042 917');
    expect(text(harness.fixture, 'code-countdown')).toBe('Expires in 10:00');
    expect(text(harness.fixture, 'code-command')).toContain('switchboard-agent --code 042917 --server');

    await jest.advanceTimersByTimeAsync(61_000);
    harness.fixture.detectChanges();
    expect(text(harness.fixture, 'code-countdown')).toBe('Expires in 8:59');

    await jest.advanceTimersByTimeAsync(9 * 60_000);
    harness.fixture.detectChanges();
    expect(maybeByTestId(harness.fixture, 'code-expired')).not.toBeNull();
    expect(maybeByTestId(harness.fixture, 'code-countdown')).toBeNull();
  });
});
