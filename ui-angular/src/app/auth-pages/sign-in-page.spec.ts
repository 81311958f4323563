import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { consoleTestProviders, meView, settle, signedIn, tokenPair } from '../../testing/auth-fixtures';
import { answerComputersPage } from '../../testing/computer-rows';
import { healthyView } from '../../testing/health-views';
import { allByTestId, byTestId, maybeByTestId, text, typeInto } from '../../testing/dom';
import { routes } from '../app.routes';
import { AUTH_API } from '../auth/auth-api';
import { AuthService, REFRESH_TOKEN_STORAGE_KEY } from '../auth/auth.service';
import { LanguageService } from '../i18n/language.service';

describe('Sign-in page', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  let router: Router;

  beforeEach(async () => {
    localStorage.clear();
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    TestBed.configureTestingModule({
      providers: [...consoleTestProviders(), provideRouter(routes, withComponentInputBinding())],
    });
    await TestBed.inject(LanguageService).use('en', false);
    http = TestBed.inject(HttpTestingController);
    router = TestBed.inject(Router);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => {
    http.verify();
    jest.restoreAllMocks();
  });

  async function openSignIn(url = '/sign-in'): Promise<void> {
    await harness.navigateByUrl(url);
    http.expectOne(AUTH_API.providers).flush([]);
    await settle(harness.fixture);
  }

  async function submit(email: string, password: string): Promise<void> {
    typeInto(harness.fixture, 'signin-email', email);
    typeInto(harness.fixture, 'signin-password', password);
    byTestId(harness.fixture, 'signin-submit').click();
    await settle(harness.fixture);
  }

  it('posts the credentials, keeps the tokens and lands on the first menu page', async () => {
    await openSignIn();
    await submit('ann@example.com', 'correct horse battery');

    const login = http.expectOne(AUTH_API.login);
    expect(login.request.method).toBe('POST');
    expect(login.request.body).toEqual({ email: 'ann@example.com', password: 'correct horse battery' });
    login.flush(tokenPair({ accessToken: 'ACCESS', refreshToken: 'REFRESH' }));
    await settle(harness.fixture);
    http.expectOne(AUTH_API.me).flush(meView());
    await settle(harness.fixture);

    expect(router.url).toBe('/computers');
    answerComputersPage(http);
    expect(TestBed.inject(AuthService).accessToken()).toBe('ACCESS');
    expect(localStorage.getItem(REFRESH_TOKEN_STORAGE_KEY)).toBe('REFRESH');
  });

  it('goes back to the page that asked for sign-in', async () => {
    await harness.navigateByUrl('/audit');
    expect(router.url).toBe('/sign-in?returnUrl=%2Faudit');
    http.expectOne(AUTH_API.providers).flush([]);
    await settle(harness.fixture);

    await submit('ann@example.com', 'correct horse battery');
    http.expectOne(AUTH_API.login).flush(tokenPair());
    await settle(harness.fixture);
    http.expectOne(AUTH_API.me).flush(meView());
    await settle(harness.fixture);

    expect(router.url).toBe('/audit');
    http.expectOne((request) => request.url === '/api/audit').flush({ entries: [], nextCursor: null });
  });

  it('says how long to wait after too many attempts, and blocks the button meanwhile', async () => {
    await openSignIn();
    await submit('ann@example.com', 'guess');

    http.expectOne(AUTH_API.login).flush(
      { type: 'urn:switchboard:problem:too-many-attempts', status: 429, code: 'TOO_MANY_ATTEMPTS', detail: 'Too many attempts' },
      { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '150' } },
    );
    await settle(harness.fixture);

    expect(text(harness.fixture, 'problem')).toBe('Too many failed attempts. Try again in 2m 30s.');
    expect(byTestId<HTMLButtonElement>(harness.fixture, 'signin-submit').disabled).toBe(true);
    expect(router.url).toBe('/sign-in');
    expect(localStorage.getItem(REFRESH_TOKEN_STORAGE_KEY)).toBeNull();
  });

  it('explains wrong credentials by their code', async () => {
    await openSignIn();
    await submit('ann@example.com', 'wrong');
    http
      .expectOne(AUTH_API.login)
      .flush({ status: 401, code: 'INVALID_CREDENTIALS' }, { status: 401, statusText: 'Unauthorized' });
    await settle(harness.fixture);

    expect(byTestId(harness.fixture, 'problem').dataset['code']).toBe('INVALID_CREDENTIALS');
    expect(text(harness.fixture, 'problem')).toBe('Wrong email or password.');
    expect(byTestId<HTMLButtonElement>(harness.fixture, 'signin-submit').disabled).toBe(false);
  });

  it('shows a button for each configured provider only, leading to its start URL', async () => {
    await harness.navigateByUrl('/sign-in');
    http.expectOne(AUTH_API.providers).flush([{ id: 'google', label: 'Google', startUrl: '/api/auth/oidc/google/start' }]);
    await settle(harness.fixture);

    const links = allByTestId(harness.fixture, 'provider-google') as HTMLAnchorElement[];
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('/api/auth/oidc/google/start');
    expect(links[0]!.textContent?.trim()).toContain('Continue with Google');
    expect(maybeByTestId(harness.fixture, 'provider-facebook')).toBeNull();
  });

  it('after the emailed password, forces the change and does not ask for that password again', async () => {
    await openSignIn();
    await submit('ann@example.com', 'Emailed-Pass-1234');
    http.expectOne(AUTH_API.login).flush(tokenPair({ mustChangePassword: true }));
    await settle(harness.fixture);
    http.expectOne(AUTH_API.me).flush(meView({ mustChangePassword: true, status: 'active', profile: null, onboarding: 'pending' }));
    await settle(harness.fixture);

    expect(router.url).toBe('/first-login');
    expect(maybeByTestId(harness.fixture, 'newpassword-current')).toBeNull();

    typeInto(harness.fixture, 'newpassword-new', 'Blue-Kettle-Sings-42');
    typeInto(harness.fixture, 'newpassword-confirm', 'Blue-Kettle-Sings-42');
    byTestId(harness.fixture, 'newpassword-submit').click();
    await settle(harness.fixture);
    const change = http.expectOne(AUTH_API.password);
    expect(change.request.body).toEqual({ currentPassword: 'Emailed-Pass-1234', newPassword: 'Blue-Kettle-Sings-42' });
    change.flush(tokenPair({ accessToken: 'AFTER-CHANGE' }));
    await settle(harness.fixture);
    http.expectOne(AUTH_API.me).flush(meView({ onboarding: 'pending' }));
    await settle(harness.fixture);

    expect(router.url).toBe('/computers');
    answerComputersPage(http);
    expect(TestBed.inject(AuthService).accessToken()).toBe('AFTER-CHANGE');
  });

  it('shows the server’s reasons for a weak new password', async () => {
    await signedIn(meView({ mustChangePassword: true }));
    await harness.navigateByUrl('/first-login');
    await settle(harness.fixture);

    // After a reload the emailed password is not in memory any more: the form asks for it.
    typeInto(harness.fixture, 'newpassword-current', 'Emailed-Pass-1234');
    typeInto(harness.fixture, 'newpassword-new', 'password2024');
    typeInto(harness.fixture, 'newpassword-confirm', 'password2024');
    byTestId(harness.fixture, 'newpassword-submit').click();
    await settle(harness.fixture);
    http
      .expectOne(AUTH_API.password)
      .flush(
        { status: 400, code: 'WEAK_PASSWORD', errors: ['common_pattern'] },
        { status: 400, statusText: 'Bad Request' },
      );
    await settle(harness.fixture);

    expect(text(harness.fixture, 'weak-password-reasons')).toBe(
      'It contains a word or sequence found in leaked password lists.',
    );
    expect(router.url).toBe('/first-login');
  });

  it('sends a user who must change the password to the forced change, whatever page they ask for', async () => {
    await signedIn(meView({ mustChangePassword: true }));

    await harness.navigateByUrl('/profile');
    expect(router.url).toBe('/first-login');
    await harness.navigateByUrl('/sign-in');
    expect(router.url).toBe('/first-login');
  });

  it('keeps a user who has nothing to change away from the forced change', async () => {
    await signedIn(meView());
    await harness.navigateByUrl('/first-login');
    expect(router.url).toBe('/status');
    http.expectOne('/health').flush(healthyView());
  });

  it('explains a social sign-in the server refused (/sign-in?error=CODE)', async () => {
    await openSignIn('/sign-in?error=USER_EMAIL_UNVERIFIED');
    expect(byTestId(harness.fixture, 'signin-social-error').dataset['code']).toBe('USER_EMAIL_UNVERIFIED');
    expect(text(harness.fixture, 'signin-social-error')).toBe('This email address has not been verified.');

    // The same page with another query: the component stays, the message follows.
    await harness.navigateByUrl('/sign-in?error=OIDC_STATE_MISMATCH');
    await settle(harness.fixture);
    expect(text(harness.fixture, 'signin-social-error')).toContain('(OIDC_STATE_MISMATCH)');
  });
});
