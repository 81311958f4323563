import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { consoleTestProviders, settle } from '../../testing/auth-fixtures';
import { byTestId, maybeByTestId, text, typeInto } from '../../testing/dom';
import { routes } from '../app.routes';
import { AuthService } from '../auth/auth.service';
import { LanguageService } from '../i18n/language.service';
import { SUPPORT_LINKS_URL } from '../sessions/sessions-api';
import { supportCommand } from './support-page';

describe('Support link page (public)', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    localStorage.clear();
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    TestBed.configureTestingModule({ providers: [...consoleTestProviders(), provideRouter(routes, withComponentInputBinding())] });
    await TestBed.inject(LanguageService).use('en', false);
    http = TestBed.inject(HttpTestingController);
    await TestBed.inject(AuthService).ready();
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => {
    http.verify();
    jest.restoreAllMocks();
  });

  it('quotes what a shell would misread in the agent command', () => {
    expect(supportCommand('https://sb.example/s/tok', 'Bob')).toBe('switchboard-agent --support-link "https://sb.example/s/tok" --name Bob');
    expect(supportCommand('https://sb.example/support/tok?ticket=T-1&name=Bob', 'Bob "B" $HOME')).toBe(
      'switchboard-agent --support-link "https://sb.example/support/tok?ticket=T-1&name=Bob" --name "Bob \\"B\\" \\$HOME"',
    );
  });

  it('shows who is helping, the ticket, the downloads and the command with this page’s address and the end-user’s name', async () => {
    await harness.navigateByUrl('/support/tok123?ticket=T-42&name=Bob');
    await settle(harness.fixture);
    const request = http.expectOne(`${SUPPORT_LINKS_URL}/tok123`);
    expect(request.request.headers.has('Authorization')).toBe(false);
    request.flush({ technicianName: 'Ann Smith', ticket: 'T-42', endUserName: 'Bob', expiresAt: '2024-01-16T13:00:00.000Z', state: 'open' });
    await settle(harness.fixture);

    expect(text(harness.fixture, 'support-technician')).toBe('Ann Smith is ready to help you.');
    expect(text(harness.fixture, 'support-ticket')).toBe('Ticket T-42');
    expect(byTestId<HTMLAnchorElement>(harness.fixture, 'support-download-linux').getAttribute('href')).toBe('/api/computers/downloads/linux');
    const command = (): string => byTestId<HTMLTextAreaElement>(harness.fixture, 'support-command').value;
    expect(command()).toBe(supportCommand(location.href, 'Bob'));
    typeInto(harness.fixture, 'support-name', 'Robert');
    await settle(harness.fixture);
    expect(command()).toMatch(/--name Robert$/);
  });

  it('says when the link has expired, or does not exist', async () => {
    await harness.navigateByUrl('/s/old');
    await settle(harness.fixture);
    http.expectOne(`${SUPPORT_LINKS_URL}/old`).flush({ technicianName: 'Ann Smith', ticket: null, endUserName: null, expiresAt: '2024-01-01T00:00:00.000Z', state: 'expired' });
    await settle(harness.fixture);
    expect(byTestId(harness.fixture, 'support-closed').dataset['state']).toBe('expired');
    expect(maybeByTestId(harness.fixture, 'support-command')).toBeNull();

    await harness.navigateByUrl('/s/unknown');
    await settle(harness.fixture);
    http.expectOne(`${SUPPORT_LINKS_URL}/unknown`).flush({ code: 'SUPPORT_LINK_NOT_FOUND' }, { status: 404, statusText: 'Not Found' });
    await settle(harness.fixture);
    expect(maybeByTestId(harness.fixture, 'support-not-found')).not.toBeNull();
  });
});
