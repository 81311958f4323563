import type { CdkDragDrop } from '@angular/cdk/drag-drop';
import { CdkDropList } from '@angular/cdk/drag-drop';
import { HttpTestingController, type TestRequest } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { By } from '@angular/platform-browser';
import { provideRouter } from '@angular/router';
import type { ComputerListResponse } from '@contracts/computers-live.contracts';

import { consoleTestProviders, meView, profile, signedIn } from '../../testing/auth-fixtures';
import { accepted, computerRow, group, listPage } from '../../testing/computer-rows';
import { allByTestId, byTestId, maybeByTestId, text } from '../../testing/dom';
import { FakeSocketServer } from '../../testing/fake-web-socket';
import { LanguageService } from '../i18n/language.service';
import { COMPUTERS_URL, COMPUTER_GROUPS_URL } from './computers-api';
import { ComputersPage } from './computers-page';
import { AUTO_REFRESH_MS, AUTO_REFRESH_STORAGE_KEY, LIVE_DEBOUNCE_MS, SEARCH_DEBOUNCE_MS } from './computers.store';
import type { DragSubject, DropTarget } from './computer-list.model';

const PARIS = group('g-paris', 'Paris');
const FLOOR = group('g-floor', 'Floor 2', PARIS);
const LYON = group('g-lyon', 'Lyon');

describe('Computers page', () => {
  let http: HttpTestingController;
  let sockets: FakeSocketServer;
  let fixture: ComponentFixture<ComputersPage>;

  /** Runs due timers and promise chains, then renders. */
  async function flush(ms = 0): Promise<void> {
    await jest.advanceTimersByTimeAsync(ms);
    await jest.advanceTimersByTimeAsync(0);
    fixture.detectChanges();
  }

  const listRequests = (): TestRequest[] => http.match((request) => request.url === COMPUTERS_URL && request.method === 'GET');
  const expectList = (): TestRequest => http.expectOne((request) => request.url === COMPUTERS_URL && request.method === 'GET');
  const expectGroups = (): TestRequest => http.expectOne((request) => request.url === COMPUTER_GROUPS_URL && request.method === 'GET');
  const param = (request: TestRequest, name: string): string | null => request.request.params.get(name);
  const names = (): string[] => allByTestId(fixture, 'computer-name').map((element) => element.textContent?.trim() ?? '');
  const statuses = (): string[] => allByTestId(fixture, 'computer-status').map((element) => element.textContent?.trim() ?? '');
  const sectionTitles = (): string[] => allByTestId(fixture, 'computer-section-title').map((element) => element.textContent?.trim() ?? '');

  async function answerList(page: ComputerListResponse): Promise<void> {
    expectList().flush(page);
    await flush();
  }

  async function typeSearch(value: string): Promise<void> {
    const input = byTestId<HTMLInputElement>(fixture, 'computers-search');
    input.value = value;
    input.dispatchEvent(new Event('input'));
    await flush();
  }

  async function choose(testId: string, value: string): Promise<void> {
    const select = byTestId<HTMLSelectElement>(fixture, testId);
    select.value = value;
    select.dispatchEvent(new Event('change'));
    await flush();
  }

  /** What the CDK emits when a drag ends over a drop list. */
  function drop(target: HTMLElement, subject: DragSubject): void {
    const list = fixture.debugElement.query(By.css(`[data-testid="${target.dataset['testid']}"]${target.dataset['groupId'] ? `[data-group-id="${target.dataset['groupId']}"]` : ''}`));
    const dropList = list.injector.get(CdkDropList<DropTarget>);
    dropList.dropped.emit({ container: dropList, previousContainer: dropList, item: { data: subject } } as unknown as CdkDragDrop<DropTarget, DropTarget, DragSubject>);
  }

  beforeEach(async () => {
    localStorage.clear();
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    sockets = new FakeSocketServer();
    TestBed.configureTestingModule({ providers: [...consoleTestProviders(sockets), provideRouter([])] });
    await TestBed.inject(LanguageService).use('en', false);
    http = TestBed.inject(HttpTestingController);
    await signedIn(meView({ email: 'ann@example.com', profile: profile({ timeZone: 'Asia/Tokyo', timeFormat: '24h' }) }));
    jest.useFakeTimers();
    fixture = TestBed.createComponent(ComputersPage);
    await flush();
  });

  afterEach(() => {
    fixture.destroy();
    jest.useRealTimers();
    http.verify();
    jest.restoreAllMocks();
  });

  it('shows each computer’s status, OS, bold name, "IP, city, country" and last connection in the user’s zone, favourites first', async () => {
    const first = expectList();
    expect(Object.fromEntries(first.request.params.keys().map((key) => [key, first.request.params.get(key)]))).toEqual({
      sort: 'name',
      direction: 'asc',
      groupBy: 'none',
      limit: '50',
    });
    expectGroups().flush({ groups: [PARIS, FLOOR] });
    first.flush(
      listPage({
        favourites: [computerRow({ id: 'fav', name: 'Zulu server', favourite: true, os: { platform: 'win32', release: '11', arch: 'x64' } })],
        items: [
          computerRow({ id: 'a', name: 'Alpha', status: 'online' }),
          computerRow({ id: 'b', name: 'Bravo', status: 'offline', os: { platform: 'darwin', release: '14', arch: 'arm64' } }),
          computerRow({ id: 'c', name: 'Charlie', status: 'not-installed', ip: '192.168.1.20', city: null, country: null, location: '192.168.1.20, local network' }),
          computerRow({ id: 'd', name: 'Delta', status: 'disabled', lastConnectedAt: null }),
          computerRow({ id: 'e', name: 'Echo', status: 'limited', limitedUntil: '2024-01-11T09:00:00.000Z' }),
        ],
      }),
    );
    await flush();

    expect(names()).toEqual(['Zulu server', 'Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']);
    expect(sectionTitles()).toEqual(['Favourites']);
    expect(statuses()).toEqual(['Online', 'Online', 'Offline', 'Not installed', 'Disabled', 'Limited']);
    const rows = allByTestId(fixture, 'computer-row');
    expect(rows.map((row) => row.querySelector('[data-os]')?.getAttribute('data-os'))).toEqual(['win32', 'linux', 'darwin', 'linux', 'linux', 'linux']);
    expect(rows[1]!.querySelector('[data-testid="computer-name"]')!.tagName).toBe('STRONG');
    expect(text(rows[1]!, 'computer-location')).toBe('203.0.113.7, Paris, France');
    expect(text(rows[3]!, 'computer-location')).toBe('192.168.1.20, local network');
    // 13:05 UTC is 22:05 in Tokyo, 24 h as the profile says.
    expect(rows[1]!.querySelector('[data-testid="computer-last-connection"] time')?.textContent).toBe('Jan 15, 2024, 22:05:00');
    expect(text(rows[4]!, 'computer-last-connection')).toBe('Never connected');
    expect(rows[5]!.textContent).toContain('Access until Jan 11, 2024');
    // Online, offline (the session waits for the agent) and limited computers connect; without an agent, or disabled, they cannot.
    const connectable = rows.map((row) => !byTestId<HTMLButtonElement>(row, 'computer-connect').disabled);
    expect(connectable).toEqual([true, true, true, false, false, true]);
    expect(byTestId(rows[3]!, 'computer-connect').parentElement!.title).toBe('A session needs the agent installed and the computer enabled');
  });

  it('asks the server for another sort and grouping, and titles the sections it returns', async () => {
    expectGroups().flush({ groups: [PARIS, FLOOR] });
    await answerList(listPage({ items: [computerRow({ id: 'a', name: 'Alpha' })] }));

    await choose('computers-sort', 'lastConnectedAt');
    const sorted = expectList();
    expect([param(sorted, 'sort'), param(sorted, 'direction'), param(sorted, 'groupBy')]).toEqual(['lastConnectedAt', 'desc', 'none']);
    sorted.flush(listPage({ sort: 'lastConnectedAt', direction: 'desc' }));
    await flush();

    byTestId(fixture, 'computers-direction').click();
    await flush();
    const ascending = expectList();
    expect([param(ascending, 'sort'), param(ascending, 'direction')]).toEqual(['lastConnectedAt', 'asc']);
    ascending.flush(listPage());
    await flush();

    await choose('computers-group-by', 'status');
    const byStatus = expectList();
    expect(param(byStatus, 'groupBy')).toBe('status');
    byStatus.flush(
      listPage({
        groupBy: 'status',
        favourites: [computerRow({ id: 'f', name: 'Fav', favourite: true })],
        items: [
          computerRow({ id: 'a', name: 'Alpha', status: 'online', section: { key: 'online', label: 'online' } }),
          computerRow({ id: 'b', name: 'Bravo', status: 'online', section: { key: 'online', label: 'online' } }),
          computerRow({ id: 'c', name: 'Charlie', status: 'offline', section: { key: 'offline', label: 'offline' } }),
        ],
      }),
    );
    await flush();
    expect(sectionTitles()).toEqual(['Favourites', 'Online', 'Offline']);

    await choose('computers-group-by', 'group');
    expectList().flush(
      listPage({
        groupBy: 'group',
        items: [
          computerRow({ id: 'a', name: 'Alpha', groupId: FLOOR.id, section: { key: FLOOR.id, label: 'Paris / Floor 2' } }),
          computerRow({ id: 'b', name: 'Bravo', section: { key: '', label: '' } }),
        ],
      }),
    );
    await flush();
    expect(sectionTitles()).toEqual(['Paris / Floor 2', 'No group']);

    await choose('computers-group-by', 'last-use');
    expect(byTestId<HTMLSelectElement>(fixture, 'computers-sort').disabled).toBe(true);
    expectList().flush(listPage({ groupBy: 'last-use', items: [computerRow({ section: { key: 'last-7-days', label: 'last-7-days' } })] }));
    await flush();
    expect(sectionTitles()).toEqual(['Last 7 days']);
    // The choice is remembered for the next visit.
    expect(JSON.parse(localStorage.getItem('switchboard.computers.display')!)).toMatchObject({ groupBy: 'last-use' });
  });

  it('searches on the server once the user pauses, cancelling an older search still in flight', async () => {
    expectGroups().flush({ groups: [] });
    await answerList(listPage({ items: [computerRow()] }));

    await typeSearch('p');
    await typeSearch('pa');
    await typeSearch('par');
    await flush(SEARCH_DEBOUNCE_MS - 1);
    expect(listRequests()).toEqual([]);
    await flush(1);
    const [search] = listRequests();
    expect(search && param(search, 'search')).toBe('par');

    await typeSearch('paris');
    await flush(SEARCH_DEBOUNCE_MS);
    const newer = expectList();
    expect(search!.cancelled).toBe(true);
    expect(param(newer, 'search')).toBe('paris');
    newer.flush(listPage());
    await flush();
    expect(text(fixture, 'computers-empty')).toBe('No computer matches.');
  });

  it('loads the next range with the cursor and appends it to the last section', async () => {
    expectGroups().flush({ groups: [] });
    await answerList(listPage());
    await choose('computers-group-by', 'letter');
    await answerList(
      listPage({
        groupBy: 'letter',
        items: [computerRow({ id: 'a1', name: 'Alpha', section: { key: 'A', label: 'A' } }), computerRow({ id: 'b1', name: 'Bravo', section: { key: 'B', label: 'B' } })],
        nextCursor: 'CURSOR-1',
      }),
    );

    byTestId(fixture, 'computers-load-more').click();
    await flush();
    const more = expectList();
    expect([param(more, 'cursor'), param(more, 'groupBy'), param(more, 'limit')]).toEqual(['CURSOR-1', 'letter', '50']);
    more.flush(listPage({ groupBy: 'letter', items: [computerRow({ id: 'b2', name: 'Bravo 2', section: { key: 'B', label: 'B' } })], nextCursor: null }));
    await flush();

    expect(names()).toEqual(['Alpha', 'Bravo', 'Bravo 2']);
    expect(sectionTitles()).toEqual(['A', 'B']);
    expect(maybeByTestId(fixture, 'computers-load-more')).toBeNull();
  });

  it('moves a computer dropped on a group, and a group dropped on another, then reads the list at the new position', async () => {
    expectGroups().flush({ groups: [PARIS, FLOOR, LYON] });
    const alpha = computerRow({ id: 'alpha', name: 'Alpha' });
    await answerList(listPage({ items: [alpha] }));
    expect(allByTestId(fixture, 'group-entry').map((entry) => entry.dataset['groupName'])).toEqual(['Paris', 'Floor 2', 'Lyon']);

    drop(byTestId(fixture, 'group-drop-favourites'), { kind: 'computer', computer: alpha });
    await flush();
    http.expectOne({ method: 'PUT', url: `${COMPUTERS_URL}/alpha/favourite` }).flush(accepted('alpha', '40'));
    await flush();
    expect(param(expectList(), 'minPosition')).toBe('40');
    expectGroups().flush({ groups: [PARIS, FLOOR, LYON] });

    const lyon = allByTestId(fixture, 'group-entry').find((entry) => entry.dataset['groupId'] === LYON.id)!;
    drop(lyon, { kind: 'computer', computer: alpha });
    await flush();
    const move = http.expectOne({ method: 'PUT', url: `${COMPUTERS_URL}/alpha/group` });
    expect(move.request.body).toEqual({ groupId: LYON.id });
    move.flush(accepted('alpha', '43'));
    await flush();
    const reread = expectList();
    expect(param(reread, 'minPosition')).toBe('43');
    reread.flush(listPage({ items: [{ ...alpha, groupId: LYON.id }] }));
    expectGroups().flush({ groups: [PARIS, FLOOR, LYON] });
    await flush();

    const floor = allByTestId(fixture, 'group-entry').find((entry) => entry.dataset['groupId'] === FLOOR.id)!;
    drop(lyon, { kind: 'group', group: FLOOR });
    await flush();
    const parent = http.expectOne({ method: 'PUT', url: `${COMPUTER_GROUPS_URL}/${FLOOR.id}/parent` });
    expect(parent.request.body).toEqual({ parentId: LYON.id });
    parent.flush(accepted(FLOOR.id, '44'));
    await flush();
    expect(param(expectList(), 'minPosition')).toBe('44');
    expectGroups().flush({ groups: [PARIS, LYON, group(FLOOR.id, 'Floor 2', LYON)] });

    // Dropping a group into its own subtree (Floor 2 is Lyon's now), or where it already is, sends nothing.
    drop(floor, { kind: 'group', group: LYON });
    drop(byTestId(fixture, 'group-drop-all'), { kind: 'group', group: LYON });
    await flush();
    http.expectNone((request) => request.method !== 'GET');
  });

  it('filters the list by the group clicked in the sidebar', async () => {
    expectGroups().flush({ groups: [PARIS, FLOOR] });
    await answerList(listPage({ items: [computerRow()] }));

    allByTestId(fixture, 'group-select')[0]!.click();
    await flush();
    expect(param(expectList(), 'groupId')).toBe(PARIS.id);

    byTestId(fixture, 'group-ungrouped').click();
    await flush();
    expect(param(expectList(), 'groupId')).toBe('');
  });

  it('offers the Windows-only agent setting for a Windows computer and hides it for Linux', async () => {
    expectGroups().flush({ groups: [PARIS] });
    await answerList(
      listPage({
        items: [
          computerRow({ id: 'lin', name: 'Linux box' }),
          computerRow({ id: 'win', name: 'Windows box', os: { platform: 'win32', release: '11', arch: 'x64' } }),
        ],
      }),
    );
    const [linux, windows] = allByTestId(fixture, 'computer-row');

    byTestId(linux!, 'computer-menu').click();
    await flush();
    byTestId(linux!, 'computer-action-settings').click();
    await flush();
    expect(byTestId<HTMLInputElement>(fixture, 'settings-name').value).toBe('Linux box');
    expect(maybeByTestId(fixture, 'settings-allow-agent-config')).toBeNull();
    byTestId(fixture, 'modal-close').click();
    await flush();

    byTestId(windows!, 'computer-menu').click();
    await flush();
    byTestId(windows!, 'computer-action-settings').click();
    await flush();
    const allow = byTestId<HTMLInputElement>(fixture, 'settings-allow-agent-config');
    allow.click();
    await flush();
    byTestId(fixture, 'settings-save').click();
    await flush();
    const policy = http.expectOne({ method: 'PUT', url: `${COMPUTERS_URL}/win/settings` });
    expect(policy.request.body).toEqual({ allowAgentConfigWithoutAdmin: true });
    policy.flush(accepted('win', '50'));
    await flush();
    expect(param(expectList(), 'minPosition')).toBe('50');
    expectGroups().flush({ groups: [PARIS] });
    expect(maybeByTestId(fixture, 'settings-dialog')).toBeNull();
  });

  it('favourites from the menu, and removes only after the confirmation', async () => {
    expectGroups().flush({ groups: [] });
    await answerList(listPage({ items: [computerRow({ id: 'c1', name: 'Old PC' })] }));

    byTestId(fixture, 'computer-menu').click();
    await flush();
    byTestId(fixture, 'computer-action-favourite').click();
    await flush();
    http.expectOne({ method: 'PUT', url: `${COMPUTERS_URL}/c1/favourite` }).flush(accepted('c1', '60'));
    await flush();
    expect(param(expectList(), 'minPosition')).toBe('60');
    expectGroups().flush({ groups: [] });

    byTestId(fixture, 'computer-menu').click();
    await flush();
    byTestId(fixture, 'computer-action-remove').click();
    await flush();
    expect(text(fixture, 'remove-dialog')).toContain('Remove Old PC?');
    http.expectNone({ method: 'DELETE', url: `${COMPUTERS_URL}/c1` });
    byTestId(fixture, 'remove-confirm').click();
    await flush();
    http.expectOne({ method: 'DELETE', url: `${COMPUTERS_URL}/c1` }).flush(accepted('c1', '61'));
    await flush();
    const reread = expectList();
    expect(param(reread, 'minPosition')).toBe('61');
    reread.flush(listPage());
    expectGroups().flush({ groups: [] });
    await flush();
    expect(maybeByTestId(fixture, 'remove-dialog')).toBeNull();
    expect(text(fixture, 'computers-empty')).toBe('No computers yet. Add one with the Add computer button.');
  });

  it('shows the server’s problem when sharing with an unknown user', async () => {
    expectGroups().flush({ groups: [] });
    await answerList(listPage({ items: [computerRow({ id: 'c1' })] }));
    byTestId(fixture, 'computer-menu').click();
    await flush();
    byTestId(fixture, 'computer-action-share').click();
    await flush();
    http.expectOne(`${COMPUTERS_URL}/c1`).flush({ ...computerRow({ id: 'c1' }), sharedWith: ['user-bob'] });
    await flush();
    expect(allByTestId(fixture, 'share-entry').map((entry) => entry.dataset['user'])).toEqual(['user-bob']);

    const user = byTestId<HTMLInputElement>(fixture, 'share-user');
    user.value = 'nobody@example.com';
    user.dispatchEvent(new Event('input'));
    await flush();
    byTestId(fixture, 'share-add').click();
    await flush();
    const share = http.expectOne({ method: 'POST', url: `${COMPUTERS_URL}/c1/shares` });
    expect(share.request.body).toEqual({ user: 'nobody@example.com' });
    share.flush({ code: 'USER_NOT_FOUND', status: 404 }, { status: 404, statusText: 'Not Found' });
    await flush();
    expect(byTestId(fixture, 'problem').dataset['code']).toBe('USER_NOT_FOUND');
    expect(text(fixture, 'problem')).toBe('No user of your account has this username or email.');
  });

  it('refreshes once per burst of live notices about computers, and ignores other read models', async () => {
    expectGroups().flush({ groups: [] });
    await answerList(listPage({ items: [computerRow({ status: 'online' })] }));
    const socket = sockets.latest;
    socket.open();
    await flush();
    expect(socket.sent).toContainEqual({ event: 'subscribe', data: { topics: ['read-models'] } });

    socket.push({ event: 'readModelUpdated', data: { collection: 'audit-log_v1', id: 'x', position: '7', deleted: false } });
    await flush(LIVE_DEBOUNCE_MS * 2);
    expect(listRequests()).toEqual([]);

    for (const position of ['8', '9', '10']) {
      socket.push({ event: 'readModelUpdated', data: { collection: 'computer-list_v1', id: 'c1', position, deleted: false } });
      await flush(LIVE_DEBOUNCE_MS / 4);
    }
    await flush(LIVE_DEBOUNCE_MS);
    const refresh = expectList();
    expectGroups().flush({ groups: [] });
    refresh.flush(listPage({ items: [computerRow({ status: 'offline' })] }));
    await flush();
    expect(statuses()).toEqual(['Offline']);
  });

  it('refreshes every 30 seconds until the user turns it off, and remembers the choice', async () => {
    expectGroups().flush({ groups: [] });
    await answerList(listPage({ items: [computerRow()] }));

    await flush(AUTO_REFRESH_MS);
    expectList().flush(listPage({ items: [computerRow()] }));
    expectGroups().flush({ groups: [] });
    await flush();

    byTestId<HTMLInputElement>(fixture, 'computers-auto-refresh').click();
    await flush(AUTO_REFRESH_MS * 2);
    expect(listRequests()).toEqual([]);
    expect(localStorage.getItem(AUTO_REFRESH_STORAGE_KEY)).toBe('off');
  });

  it('gives an add-computer link to copy with its expiry in the user’s zone, and the command line', async () => {
    expectGroups().flush({ groups: [] });
    await answerList(listPage());
    const writeText = jest.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });

    byTestId(fixture, 'computers-add').click();
    await flush();
    expect(byTestId<HTMLTextAreaElement>(fixture, 'add-cli').value).toBe(
      'switchboard-agent --create-computer --username ann@example.com --password <password> --relay-url localhost --relay-port 80',
    );
    byTestId(fixture, 'add-link-create').click();
    await flush();
    http
      .expectOne({ method: 'POST', url: `${COMPUTERS_URL}/add-computer-link` })
      .flush({ token: 'tok', url: 'http://localhost/add-computer?link=tok', expiresAt: '2024-01-17T13:00:00.000Z', downloads: {}, position: '3' });
    await flush();
    expect(byTestId<HTMLInputElement>(fixture, 'add-link-url').value).toBe('http://localhost/add-computer?link=tok');
    expect(text(fixture, 'add-link-expiry')).toBe('Valid until Jan 17, 2024, 22:00:00 (48 hours).');
    byTestId(fixture, 'add-link-copy').click();
    await flush();
    expect(writeText).toHaveBeenCalledWith('http://localhost/add-computer?link=tok');
    expect(text(fixture, 'add-link-expiry')).toContain('Copied');
  });
});
