import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { Profile } from '@contracts/auth.contracts';

import { consoleTestProviders, meView, profile, settle, signedIn, tokenPair } from '../../testing/auth-fixtures';
import { byTestId, maybeByTestId, text, typeInto } from '../../testing/dom';
import { routes } from '../app.routes';
import { AUTH_API } from '../auth/auth-api';
import { AuthService, REFRESH_TOKEN_STORAGE_KEY } from '../auth/auth.service';
import { DateTimeService } from '../date-time/date-time.service';
import { LanguageService } from '../i18n/language.service';

const INSTANT = '2024-01-15T13:05:09Z';

describe('Profile pages', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  let dateTime: DateTimeService;

  beforeEach(async () => {
    localStorage.clear();
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    TestBed.configureTestingModule({
      providers: [...consoleTestProviders(), provideRouter(routes, withComponentInputBinding())],
    });
    await TestBed.inject(LanguageService).use('en', false);
    http = TestBed.inject(HttpTestingController);
    dateTime = TestBed.inject(DateTimeService);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => {
    http.verify();
    jest.restoreAllMocks();
  });

  const input = (id: string): HTMLInputElement => byTestId<HTMLInputElement>(harness.fixture, id);

  it('shows the saved profile, and saving switches the console language, time zone and format', async () => {
    await signedIn(meView({ profile: profile({ timeZone: 'Europe/London', timeFormat: '24h', language: 'en' }) }));
    await harness.navigateByUrl('/profile');
    await settle(harness.fixture);
    expect(input('profile-first-name').value).toBe('Ann');
    expect(input('profile-timezone').value).toBe('Europe/London');
    expect(input('profile-time-format-24h').checked).toBe(true);
    expect(dateTime.format(INSTANT, 'time')).toBe('13:05:09');

    typeInto(harness.fixture, 'profile-last-name', 'Martin');
    typeInto(harness.fixture, 'profile-language', 'fr');
    typeInto(harness.fixture, 'profile-timezone', 'Asia/Tokyo');
    input('profile-time-format-12h').click();
    typeInto(harness.fixture, 'profile-title', 'Technicienne');
    await settle(harness.fixture);
    byTestId(harness.fixture, 'profile-save').click();
    await settle(harness.fixture);

    const put = http.expectOne(AUTH_API.profile);
    expect(put.request.method).toBe('PUT');
    const sent: Profile = {
      firstName: 'Ann',
      lastName: 'Martin',
      country: 'GB',
      language: 'fr',
      timeZone: 'Asia/Tokyo',
      timeFormat: '12h',
      title: 'Technicienne',
    };
    expect(put.request.body).toEqual(sent);
    put.flush(meView({ profile: sent }));
    await settle(harness.fixture);

    expect(document.documentElement.lang).toBe('fr');
    expect(text(harness.fixture, 'profile-saved')).toBe('Votre profil est enregistré.');
    expect(harness.fixture.nativeElement.querySelector('h1').textContent.trim()).toBe('Profil');
    expect(dateTime.timeZone()).toBe('Asia/Tokyo');
    expect(dateTime.format(INSTANT, 'time')).toMatch(/^10:05:09\sPM$/);
    expect(TestBed.inject(AuthService).me()?.profile?.lastName).toBe('Martin');
  });

  it('starts a first profile from the browser and refuses to send it without names', async () => {
    dateTime.setPreferences({ timeZone: 'America/New_York' });
    await signedIn(meView({ profile: null }));
    await harness.navigateByUrl('/profile');
    await settle(harness.fixture);

    expect(input('profile-timezone').value).toBe('America/New_York');
    expect(input('profile-country').value).toBe('US');
    expect(input('profile-time-format-12h').checked).toBe(true);

    byTestId(harness.fixture, 'profile-save').click();
    await settle(harness.fixture);
    http.expectNone(AUTH_API.profile);
    expect(input('profile-first-name').getAttribute('aria-invalid')).toBe('true');
  });

  it('marks the fields the server refused', async () => {
    await signedIn();
    await harness.navigateByUrl('/profile');
    await settle(harness.fixture);
    typeInto(harness.fixture, 'profile-technician-email', 'ann@example.com');
    byTestId(harness.fixture, 'profile-save').click();
    await settle(harness.fixture);
    http
      .expectOne(AUTH_API.profile)
      .flush({ code: 'USER_PROFILE_INVALID', status: 422, fields: ['country'] }, { status: 422, statusText: 'Unprocessable' });
    await settle(harness.fixture);

    expect(input('profile-country').getAttribute('aria-invalid')).toBe('true');
    expect(input('profile-first-name').getAttribute('aria-invalid')).toBe('false');
    expect(maybeByTestId(harness.fixture, 'profile-saved')).toBeNull();
  });

  it('changes the password with the current one and keeps the fresh session', async () => {
    await signedIn();
    await harness.navigateByUrl('/profile/password');
    typeInto(harness.fixture, 'newpassword-current', 'Old-Password-99');
    typeInto(harness.fixture, 'newpassword-new', 'Blue-Kettle-Sings-42');
    typeInto(harness.fixture, 'newpassword-confirm', 'Blue-Kettle-Sings-42');
    byTestId(harness.fixture, 'newpassword-submit').click();
    await settle(harness.fixture);
    const change = http.expectOne(AUTH_API.password);
    expect(change.request.body).toEqual({ currentPassword: 'Old-Password-99', newPassword: 'Blue-Kettle-Sings-42' });
    change.flush({ code: 'WRONG_CURRENT_PASSWORD', status: 403 }, { status: 403, statusText: 'Forbidden' });
    await settle(harness.fixture);
    expect(text(harness.fixture, 'problem')).toBe('The current password is wrong.');

    byTestId(harness.fixture, 'newpassword-submit').click();
    await settle(harness.fixture);
    http.expectOne(AUTH_API.password).flush(tokenPair({ accessToken: 'FRESH', refreshToken: 'FRESH-R' }));
    await settle(harness.fixture);
    http.expectOne(AUTH_API.me).flush(meView());
    await settle(harness.fixture);

    expect(maybeByTestId(harness.fixture, 'change-password-done')).not.toBeNull();
    expect(TestBed.inject(AuthService).accessToken()).toBe('FRESH');
    expect(localStorage.getItem(REFRESH_TOKEN_STORAGE_KEY)).toBe('FRESH-R');
  });

  it('deletes the account only with the password and the acknowledgement, then signs out', async () => {
    await signedIn(meView({ role: 'owner' }));
    await harness.navigateByUrl('/profile/delete');
    await settle(harness.fixture);
    expect(maybeByTestId(harness.fixture, 'delete-owner-warning')).not.toBeNull();

    typeInto(harness.fixture, 'delete-password', 'Current-Pass-1');
    await settle(harness.fixture);
    expect(byTestId<HTMLButtonElement>(harness.fixture, 'delete-submit').disabled).toBe(true);
    input('delete-confirm').click();
    await settle(harness.fixture);
    byTestId(harness.fixture, 'delete-submit').click();
    await settle(harness.fixture);

    const deletion = http.expectOne(AUTH_API.account);
    expect(deletion.request.method).toBe('DELETE');
    expect(deletion.request.body).toEqual({ currentPassword: 'Current-Pass-1' });
    deletion.flush(null, { status: 204, statusText: 'No Content' });
    await settle(harness.fixture);

    expect(TestBed.inject(Router).url).toBe('/sign-in?reason=deleted');
    expect(TestBed.inject(AuthService).signedIn()).toBe(false);
    expect(localStorage.getItem(REFRESH_TOKEN_STORAGE_KEY)).toBeNull();
    http.expectOne(AUTH_API.providers).flush([]);
    await settle(harness.fixture);
    expect(text(harness.fixture, 'signin-reason')).toBe('Your account has been deleted.');
  });
});
