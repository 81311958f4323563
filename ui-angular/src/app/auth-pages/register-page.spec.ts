import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { consoleTestProviders, meView, settle } from '../../testing/auth-fixtures';
import { answerComputersPage } from '../../testing/computer-rows';
import { byTestId, maybeByTestId, text, typeInto } from '../../testing/dom';
import { routes } from '../app.routes';
import { AUTH_API } from '../auth/auth-api';
import { AuthService } from '../auth/auth.service';
import { LanguageService } from '../i18n/language.service';

describe('Registration, recovery and the social callback', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    localStorage.clear();
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['fr-FR']);
    TestBed.configureTestingModule({
      providers: [...consoleTestProviders(), provideRouter(routes, withComponentInputBinding())],
    });
    await TestBed.inject(LanguageService).use('fr', false);
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => {
    http.verify();
    jest.restoreAllMocks();
  });

  async function openRegister(): Promise<void> {
    await harness.navigateByUrl('/register');
    http.expectOne(AUTH_API.providers).flush([]);
    await settle(harness.fixture);
  }

  it('registers with the page language and says to check the mail', async () => {
    await openRegister();
    expect(maybeByTestId(harness.fixture, 'register-success')).toBeNull();

    typeInto(harness.fixture, 'register-email', ' ann@example.com ');
    typeInto(harness.fixture, 'register-account-name', 'Ann IT');
    byTestId(harness.fixture, 'register-submit').click();
    await settle(harness.fixture);

    const register = http.expectOne(AUTH_API.register);
    expect(register.request.body).toEqual({ email: 'ann@example.com', accountName: 'Ann IT', language: 'fr' });
    register.flush({ status: 'mail-sent' }, { status: 202, statusText: 'Accepted' });
    await settle(harness.fixture);

    expect(text(harness.fixture, 'register-success')).toContain('Consultez votre messagerie');
    expect(text(harness.fixture, 'register-success')).toContain('Nous avons envoyé un mot de passe à ann@example.com.');
    expect(maybeByTestId(harness.fixture, 'register-email')).toBeNull();
  });

  it('leaves out an empty account name and refuses a malformed email before sending', async () => {
    await openRegister();
    typeInto(harness.fixture, 'register-email', 'not-an-email');
    byTestId(harness.fixture, 'register-submit').click();
    await settle(harness.fixture);
    http.expectNone(AUTH_API.register);
    expect(byTestId(harness.fixture, 'register-email').getAttribute('aria-invalid')).toBe('true');

    typeInto(harness.fixture, 'register-email', 'bob@example.com');
    typeInto(harness.fixture, 'register-language', 'de');
    byTestId(harness.fixture, 'register-submit').click();
    await settle(harness.fixture);
    const register = http.expectOne(AUTH_API.register);
    expect(register.request.body).toEqual({ email: 'bob@example.com', language: 'de' });
    register.flush({ code: 'EMAIL_ALREADY_REGISTERED', status: 409 }, { status: 409, statusText: 'Conflict' });
    await settle(harness.fixture);

    expect(byTestId(harness.fixture, 'problem').dataset['code']).toBe('EMAIL_ALREADY_REGISTERED');
    expect(maybeByTestId(harness.fixture, 'register-success')).toBeNull();
  });

  it('asks for a recovery link and gives the same answer whatever the address', async () => {
    await harness.navigateByUrl('/recover');
    typeInto(harness.fixture, 'recover-email', 'ann@example.com');
    byTestId(harness.fixture, 'recover-submit').click();
    await settle(harness.fixture);
    const request = http.expectOne(AUTH_API.recovery);
    expect(request.request.body).toEqual({ email: 'ann@example.com', language: 'fr' });
    request.flush({ status: 'accepted' }, { status: 202, statusText: 'Accepted' });
    await settle(harness.fixture);

    expect(text(harness.fixture, 'recover-sent')).toContain('ann@example.com');
  });

  it('completes a recovery with the token of the link, and explains a used link', async () => {
    await harness.navigateByUrl('/recover/complete?token=T0KEN');
    typeInto(harness.fixture, 'newpassword-new', 'Blue-Kettle-Sings-42');
    typeInto(harness.fixture, 'newpassword-confirm', 'Blue-Kettle-Sings-42');
    byTestId(harness.fixture, 'newpassword-submit').click();
    await settle(harness.fixture);
    const complete = http.expectOne(AUTH_API.recoveryComplete);
    expect(complete.request.body).toEqual({ token: 'T0KEN', newPassword: 'Blue-Kettle-Sings-42' });
    complete.flush({ code: 'RECOVERY_LINK_USED', status: 410 }, { status: 410, statusText: 'Gone' });
    await settle(harness.fixture);

    expect(byTestId(harness.fixture, 'recover-link-dead').dataset['code']).toBe('RECOVERY_LINK_USED');
    expect(text(harness.fixture, 'recover-link-dead')).toBe('Ce lien a déjà servi. Demandez-en un nouveau.');
  });

  it('does not send mismatched passwords', async () => {
    await harness.navigateByUrl('/recover/complete?token=T0KEN');
    typeInto(harness.fixture, 'newpassword-new', 'Blue-Kettle-Sings-42');
    typeInto(harness.fixture, 'newpassword-confirm', 'Blue-Kettle-Sings-43');
    byTestId(harness.fixture, 'newpassword-submit').click();
    await settle(harness.fixture);

    http.expectNone(AUTH_API.recoveryComplete);
    expect(maybeByTestId(harness.fixture, 'newpassword-mismatch')).not.toBeNull();
  });

  it('takes the tokens of a social sign-in from the fragment and drops them from the address', async () => {
    await harness.navigateByUrl('/auth/callback#accessToken=SOCIAL-A&refreshToken=SOCIAL-R&expiresIn=900&mustChangePassword=false');
    await settle(harness.fixture);
    const me = http.expectOne(AUTH_API.me);
    expect(me.request.headers.get('Authorization')).toBe('Bearer SOCIAL-A');
    me.flush(meView());
    await settle(harness.fixture);

    const router = TestBed.inject(Router);
    expect(router.url).toBe('/computers');
    answerComputersPage(http);
    expect(TestBed.inject(AuthService).signedIn()).toBe(true);
    expect(localStorage.getItem('switchboard.refreshToken')).toBe('SOCIAL-R');
  });

  it('shows why a social sign-in failed', async () => {
    await harness.navigateByUrl('/auth/callback#error=EMAIL_NOT_VERIFIED');
    await settle(harness.fixture);

    expect(byTestId(harness.fixture, 'callback-error').dataset['code']).toBe('EMAIL_NOT_VERIFIED');
    expect(TestBed.inject(AuthService).signedIn()).toBe(false);
    expect(TestBed.inject(Router).url).toBe('/auth/callback');
  });
});
