import { HttpClient } from '@angular/common/http';
import { HttpTestingController } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';

import { consoleTestProviders, meView, settle, signedIn, tokenPair } from '../../testing/auth-fixtures';
import { DateTimeService } from '../date-time/date-time.service';
import { AUTH_API } from './auth-api';
import { AuthService, REFRESH_TOKEN_STORAGE_KEY } from './auth.service';

@Component({ template: '' })
class Blank {}

const expired = { code: 'TOKEN_EXPIRED', status: 401, title: 'Unauthorized', type: 'x', detail: 'expired', instance: '/' };

describe('AuthService and the auth interceptor', () => {
  let http: HttpTestingController;
  let auth: AuthService;
  let client: HttpClient;

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [...consoleTestProviders(), provideRouter([{ path: '**', component: Blank }])],
    });
    http = TestBed.inject(HttpTestingController);
    auth = TestBed.inject(AuthService);
    client = TestBed.inject(HttpClient);
  });

  afterEach(() => http.verify());

  it('signs in: access token in memory, refresh token in localStorage, profile applied', async () => {
    const signingIn = auth.signIn({ email: 'ann@example.com', password: 'correct horse' });
    const login = http.expectOne(AUTH_API.login);
    expect(login.request.body).toEqual({ email: 'ann@example.com', password: 'correct horse' });
    expect(login.request.headers.has('Authorization')).toBe(false);
    login.flush(tokenPair({ accessToken: 'A1', refreshToken: 'R1' }));
    await settle();
    const me = http.expectOne(AUTH_API.me);
    expect(me.request.headers.get('Authorization')).toBe('Bearer A1');
    me.flush(meView({ profile: { ...meView().profile!, timeZone: 'Asia/Tokyo', timeFormat: '12h' } }));
    await signingIn;

    expect(auth.accessToken()).toBe('A1');
    expect(localStorage.getItem(REFRESH_TOKEN_STORAGE_KEY)).toBe('R1');
    expect(Object.values(localStorage).join()).not.toContain('A1');
    expect(TestBed.inject(DateTimeService).timeZone()).toBe('Asia/Tokyo');
    expect(TestBed.inject(DateTimeService).hour12()).toBe(true);
  });

  it('refreshes once for concurrent requests whose token expired, then replays them with the new token', async () => {
    await signedIn(meView(), tokenPair({ accessToken: 'OLD', refreshToken: 'R-OLD' }));

    const first = firstValueFrom(client.get('/api/things/1'));
    const second = firstValueFrom(client.get('/api/things/2'));
    http.expectOne('/api/things/1').flush(expired, { status: 401, statusText: 'Unauthorized' });
    http.expectOne('/api/things/2').flush(expired, { status: 401, statusText: 'Unauthorized' });
    await settle();

    const refresh = http.expectOne(AUTH_API.refresh);
    expect(refresh.request.body).toEqual({ refreshToken: 'R-OLD' });
    expect(refresh.request.headers.has('Authorization')).toBe(false);
    refresh.flush(tokenPair({ accessToken: 'NEW', refreshToken: 'R-NEW' }));
    await settle();

    const replays = [http.expectOne('/api/things/1'), http.expectOne('/api/things/2')];
    for (const replay of replays) expect(replay.request.headers.get('Authorization')).toBe('Bearer NEW');
    replays[0]!.flush({ id: 1 });
    replays[1]!.flush({ id: 2 });
    await expect(Promise.all([first, second])).resolves.toEqual([{ id: 1 }, { id: 2 }]);
    expect(localStorage.getItem(REFRESH_TOKEN_STORAGE_KEY)).toBe('R-NEW');
  });

  it('ends the session and goes to sign-in when the refresh token is refused (reused)', async () => {
    await signedIn();
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/audit');

    const call = firstValueFrom(client.get('/api/audit'));
    http.expectOne('/api/audit').flush(expired, { status: 401, statusText: 'Unauthorized' });
    await settle();
    http
      .expectOne(AUTH_API.refresh)
      .flush({ code: 'TOKEN_REUSED', status: 401 }, { status: 401, statusText: 'Unauthorized' });

    await expect(call).rejects.toMatchObject({ status: 401 });
    await settle();
    expect(auth.signedIn()).toBe(false);
    expect(localStorage.getItem(REFRESH_TOKEN_STORAGE_KEY)).toBeNull();
    expect(router.url).toBe('/sign-in?reason=expired&returnUrl=%2Faudit');
  });

  it('leaves other sites and anonymous auth routes without the token', async () => {
    await signedIn(meView(), tokenPair({ accessToken: 'SECRET' }));
    void firstValueFrom(client.get('https://elsewhere.example/api/x'));
    void firstValueFrom(client.post(AUTH_API.recovery, {}));
    expect(http.expectOne('https://elsewhere.example/api/x').request.headers.has('Authorization')).toBe(false);
    expect(http.expectOne(AUTH_API.recovery).request.headers.has('Authorization')).toBe(false);
  });

  it('restores a kept session at start from the stored refresh token', async () => {
    localStorage.setItem(REFRESH_TOKEN_STORAGE_KEY, 'KEPT');
    const ready = auth.ready();
    await settle();
    const refresh = http.expectOne(AUTH_API.refresh);
    expect(refresh.request.body).toEqual({ refreshToken: 'KEPT' });
    refresh.flush(tokenPair({ accessToken: 'A2', refreshToken: 'R2' }));
    await settle();
    http.expectOne(AUTH_API.me).flush(meView());
    await ready;

    expect(auth.signedIn()).toBe(true);
    expect(auth.me()?.email).toBe('ann@example.com');
    expect(localStorage.getItem(REFRESH_TOKEN_STORAGE_KEY)).toBe('R2');
  });

  it('signs out on the server, forgets the tokens and goes to sign-in', async () => {
    await signedIn(meView(), tokenPair({ accessToken: 'A3' }));
    const signingOut = auth.signOut();
    const logout = http.expectOne(AUTH_API.logout);
    expect(logout.request.headers.get('Authorization')).toBe('Bearer A3');
    logout.flush(null, { status: 204, statusText: 'No Content' });
    await signingOut;

    expect(auth.signedIn()).toBe(false);
    expect(auth.me()).toBeNull();
    expect(localStorage.getItem(REFRESH_TOKEN_STORAGE_KEY)).toBeNull();
    expect(TestBed.inject(Router).url).toBe('/sign-in?reason=signed-out');
  });
});
