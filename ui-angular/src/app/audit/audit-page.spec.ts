import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { AuditEntryView, AuditPage } from '@contracts/auth.contracts';

import { consoleTestProviders, meView, profile, settle, signedIn } from '../../testing/auth-fixtures';
import { allByTestId, byTestId, maybeByTestId, typeInto } from '../../testing/dom';
import { routes } from '../app.routes';
import { LanguageService } from '../i18n/language.service';
import { AUDIT_PAGE_SIZE, AUDIT_URL } from './audit-query';

function entry(n: number, at: string): AuditEntryView {
  return {
    id: `event-${n}`,
    at,
    actor: { kind: 'user', id: 'user-1' },
    type: 'UserSignedIn',
    aggregate: 'user-1',
    ip: '203.0.113.9',
    summary: `Signed in (${n})`,
  };
}

const CURSOR = '00000000000000000042.00000000000000000042';

describe('Audit log page', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    localStorage.clear();
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    TestBed.configureTestingModule({
      providers: [...consoleTestProviders(), provideRouter(routes, withComponentInputBinding())],
    });
    await TestBed.inject(LanguageService).use('en', false);
    http = TestBed.inject(HttpTestingController);
    // The user reads times in Tokyo, 24 h.
    await signedIn(meView({ profile: profile({ timeZone: 'Asia/Tokyo', timeFormat: '24h' }) }));
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/audit');
  });

  afterEach(() => {
    http.verify();
    jest.restoreAllMocks();
  });

  const expectList = (): TestRequest => http.expectOne((request) => request.url === AUDIT_URL);
  const rows = (): string[][] =>
    allByTestId(harness.fixture, 'audit-row').map((row) =>
      Array.from((row as HTMLTableRowElement).cells, (cell) => cell.textContent?.replace(/\s+/g, ' ').trim() ?? ''),
    );

  it('shows entries in the user’s time zone and format, newest first as served', async () => {
    const first = expectList();
    expect(first.request.params.get('limit')).toBe(String(AUDIT_PAGE_SIZE));
    expect(first.request.params.has('before')).toBe(false);
    expect(first.request.headers.get('Authorization')).toMatch(/^Bearer /);
    first.flush({ entries: [entry(2, '2024-01-15T15:30:00.000Z'), entry(1, '2024-01-15T13:05:09.000Z')], nextCursor: null } satisfies AuditPage);
    await settle(harness.fixture);

    expect(rows()).toEqual([
      ['Jan 16, 2024, 00:30:00', 'User user-1', 'UserSignedIn', 'user-1', '203.0.113.9', 'Signed in (2)'],
      ['Jan 15, 2024, 22:05:09', 'User user-1', 'UserSignedIn', 'user-1', '203.0.113.9', 'Signed in (1)'],
    ]);
    expect(maybeByTestId(harness.fixture, 'audit-load-more')).toBeNull();
  });

  it('loads older entries with the cursor and appends them', async () => {
    expectList().flush({ entries: [entry(3, '2024-01-15T15:00:00Z'), entry(2, '2024-01-15T14:00:00Z')], nextCursor: CURSOR });
    await settle(harness.fixture);

    byTestId(harness.fixture, 'audit-load-more').click();
    await settle(harness.fixture);
    const more = expectList();
    expect(more.request.params.get('before')).toBe(CURSOR);
    more.flush({ entries: [entry(1, '2024-01-15T13:00:00Z')], nextCursor: null });
    await settle(harness.fixture);

    expect(allByTestId(harness.fixture, 'audit-row').map((row) => row.dataset['id'])).toEqual(['event-3', 'event-2', 'event-1']);
    expect(maybeByTestId(harness.fixture, 'audit-load-more')).toBeNull();
  });

  it('filters by actor, type, aggregate and a period of days in the user’s zone; the CSV link has the same filter', async () => {
    expectList().flush({ entries: [entry(1, '2024-01-15T13:00:00Z')], nextCursor: CURSOR });
    await settle(harness.fixture);

    typeInto(harness.fixture, 'audit-filter-actor', 'user-1');
    typeInto(harness.fixture, 'audit-filter-type', 'UserSignedIn, UserPasswordSet');
    typeInto(harness.fixture, 'audit-filter-aggregate', 'user');
    typeInto(harness.fixture, 'audit-filter-from', '2024-01-15');
    typeInto(harness.fixture, 'audit-filter-to', '2024-01-16');
    byTestId(harness.fixture, 'audit-apply').click();
    await settle(harness.fixture);

    const filtered = expectList();
    const params = filtered.request.params;
    expect({
      actor: params.get('actor'),
      type: params.get('type'),
      aggregate: params.get('aggregate'),
      from: params.get('from'),
      to: params.get('to'),
      before: params.get('before'),
    }).toEqual({
      actor: 'user-1',
      type: 'UserSignedIn,UserPasswordSet',
      aggregate: 'user',
      // Midnight in Tokyo, and the end of the 16th (exclusive: midnight of the 17th).
      from: '2024-01-14T15:00:00.000Z',
      to: '2024-01-16T15:00:00.000Z',
      before: null,
    });
    filtered.flush({ entries: [], nextCursor: null });
    await settle(harness.fixture);

    expect(maybeByTestId(harness.fixture, 'audit-empty')).not.toBeNull();
    const csv = new URL(byTestId<HTMLAnchorElement>(harness.fixture, 'audit-csv').href);
    expect(csv.pathname).toBe('/api/audit.csv');
    expect(Object.fromEntries(csv.searchParams)).toEqual({
      actor: 'user-1',
      type: 'UserSignedIn,UserPasswordSet',
      aggregate: 'user',
      from: '2024-01-14T15:00:00.000Z',
      to: '2024-01-16T15:00:00.000Z',
    });
  });

  it('tells a technician the log is for owners and administrators', async () => {
    expectList().flush({ code: 'FORBIDDEN', status: 403 }, { status: 403, statusText: 'Forbidden' });
    await settle(harness.fixture);
    expect(maybeByTestId(harness.fixture, 'audit-forbidden')).not.toBeNull();
  });
});
