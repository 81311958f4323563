import { HttpTestingController, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { consoleTestProviders, meView, profile, settle, signedIn } from '../../../testing/auth-fixtures';
import { computerRow, listPage } from '../../../testing/computer-rows';
import { allByTestId, byTestId, maybeByTestId, typeInto } from '../../../testing/dom';
import { sessionRow } from '../../../testing/session-rows';
import { routes } from '../../app.routes';
import { COMPUTERS_URL } from '../../computers/computers-api';
import { LanguageService } from '../../i18n/language.service';
import { SESSION_HISTORY_URL, sessionUrl } from '../sessions-api';
import { HISTORY_PAGE_SIZE } from './history-query';

const CURSOR = '2024-01-15T13:00:00.000Z|abc';

describe('Session history page', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    localStorage.clear();
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    TestBed.configureTestingModule({ providers: [...consoleTestProviders(), provideRouter(routes, withComponentInputBinding())] });
    await TestBed.inject(LanguageService).use('en', false);
    http = TestBed.inject(HttpTestingController);
    await signedIn(meView({ profile: profile({ timeZone: 'Asia/Tokyo', timeFormat: '24h' }) }));
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/sessions/history');
    await settle(harness.fixture);
    http.expectOne((request) => request.url === COMPUTERS_URL).flush(listPage({ items: [computerRow({ id: 'c1', name: 'Reception PC' })] }));
  });

  afterEach(() => {
    http.verify();
    jest.restoreAllMocks();
  });

  const expectHistory = (): TestRequest => http.expectOne((request) => request.url === SESSION_HISTORY_URL);
  const params = (request: TestRequest): Record<string, string | null> =>
    Object.fromEntries(request.request.params.keys().map((key) => [key, request.request.params.get(key)]));

  it('shows date, duration, computer, technicians, source and status; Terminate on active rows, Replay on recorded ones', async () => {
    const first = expectHistory();
    expect(params(first)).toEqual({ limit: String(HISTORY_PAGE_SIZE) });
    first.flush({
      items: [
        sessionRow({ id: 'active-1', status: 'active', source: 'console', computerName: 'Reception PC', technicians: [{ userId: 'user-1', displayName: 'Ann Smith' }], startedAt: '2024-01-15T15:00:00.000Z', openedAt: '2024-01-15T15:00:00.000Z', ticket: null }),
        sessionRow({ id: 'ended-1', status: 'ended', durationSeconds: 754, endReason: 'agent-lost', recordingChunks: 3, technicians: [{ userId: 'user-2', displayName: 'Carl Jones' }] }),
      ],
      next: null,
    });
    await settle(harness.fixture);

    const rows = allByTestId(harness.fixture, 'history-row').map((row) =>
      Array.from((row as HTMLTableRowElement).cells, (cell) => cell.textContent?.replace(/\s+/g, ' ').trim() ?? ''),
    );
    expect(rows).toEqual([
      ['Jan 16, 2024, 00:00:00', 'In progress', 'Reception PC', 'Ann Smith', 'Console', 'Active', 'Terminate'],
      ['Jan 15, 2024, 22:00:00', '12m 34s', 'Bob · T-42', 'Carl Jones', 'Support link', 'Ended (the agent was lost)', 'Replay'],
    ]);
    expect(byTestId<HTMLAnchorElement>(harness.fixture, 'history-replay').getAttribute('href')).toBe('/sessions/ended-1/replay');

    byTestId(harness.fixture, 'history-terminate').click();
    await settle(harness.fixture);
    http.expectOne((request) => request.method === 'DELETE' && request.url === sessionUrl('active-1')).flush(null, { status: 204, statusText: 'No Content' });
    await settle(harness.fixture);
    expect(maybeByTestId(harness.fixture, 'history-terminate')).toBeNull();
  });

  it('filters by computer, technician, source and a period of days in the user’s zone; pages with the cursor; the CSV link has the same filter', async () => {
    expectHistory().flush({ items: [sessionRow({ id: 'one' })], next: CURSOR });
    await settle(harness.fixture);

    byTestId(harness.fixture, 'history-load-more').click();
    await settle(harness.fixture);
    const more = expectHistory();
    expect(params(more)).toEqual({ limit: String(HISTORY_PAGE_SIZE), after: CURSOR });
    more.flush({ items: [sessionRow({ id: 'two' })], next: null });
    await settle(harness.fixture);
    expect(allByTestId(harness.fixture, 'history-row').map((row) => row.dataset['id'])).toEqual(['one', 'two']);
    expect(maybeByTestId(harness.fixture, 'history-load-more')).toBeNull();

    typeInto(harness.fixture, 'history-filter-computer', 'c1');
    typeInto(harness.fixture, 'history-filter-technician', 'user-1');
    typeInto(harness.fixture, 'history-filter-source', 'connection-id');
    typeInto(harness.fixture, 'history-filter-from', '2024-01-15');
    typeInto(harness.fixture, 'history-filter-to', '2024-01-16');
    byTestId(harness.fixture, 'history-apply').click();
    await settle(harness.fixture);

    const expected = {
      computerId: 'c1',
      technicianId: 'user-1',
      source: 'connection-id',
      // Midnight in Tokyo, and the end of the 16th (exclusive: midnight of the 17th).
      from: '2024-01-14T15:00:00.000Z',
      to: '2024-01-16T15:00:00.000Z',
    };
    const filtered = expectHistory();
    expect(params(filtered)).toEqual({ ...expected, limit: String(HISTORY_PAGE_SIZE) });
    filtered.flush({ items: [], next: null });
    await settle(harness.fixture);
    expect(maybeByTestId(harness.fixture, 'history-empty')).not.toBeNull();

    const csv = new URL(byTestId<HTMLAnchorElement>(harness.fixture, 'history-csv').href);
    expect(csv.pathname).toBe('/api/sessions/history.csv');
    expect(Object.fromEntries(csv.searchParams)).toEqual(expected);
  });
});
