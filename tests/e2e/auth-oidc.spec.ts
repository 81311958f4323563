import type { MeView } from '../../application/contracts/auth.contracts';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import { startLocalOidcProvider, TestBrowser, type LocalOidcProvider } from '../kit/oidc-provider/local-oidc-provider';
import { startApp, type E2eApp } from './e2e-app';

/** oidc-provider matches these on any port for native clients (RFC 8252): the app's port is chosen at boot. */
const loopbackCallback = (id: string) => `http://127.0.0.1/api/auth/oidc/${id}/callback`;
const isCallbackOf = (id: string) => (url: URL) => url.pathname === `/api/auth/oidc/${id}/callback`;

describe('Social sign-in over HTTP against a local OpenID provider (e2e)', () => {
  let op: LocalOidcProvider;
  let app: E2eApp;

  beforeAll(async () => {
    op = await startLocalOidcProvider({
      accounts: {
        ann: { email: 'Ann.Social@Example.com', email_verified: true, name: 'Ann Social' },
        carl: { email: 'carl@example.com', email_verified: true, name: 'Carl Tampered' },
        ursula: { email: 'ursula@example.com', email_verified: false, name: 'Ursula Unverified' },
      },
      clients: [
        { client_id: 'switchboard', client_secret: 'local-client-secret', redirect_uris: [loopbackCallback('local')], application_type: 'native' },
        {
          client_id: 'switchboard-fb',
          client_secret: 'facebook-app-secret',
          redirect_uris: [loopbackCallback('facebook')],
          application_type: 'native',
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
    });
    app = await startApp({
      OIDC_LOCAL_ISSUER: op.issuer,
      OIDC_LOCAL_CLIENT_ID: 'switchboard',
      OIDC_LOCAL_CLIENT_SECRET: 'local-client-secret',
      OIDC_LOCAL_LABEL: 'Local SSO',
      FACEBOOK_CLIENT_ID: 'switchboard-fb',
      FACEBOOK_CLIENT_SECRET: 'facebook-app-secret',
      FACEBOOK_AUTHORIZATION_URL: op.facebook.authorizationUrl,
      FACEBOOK_TOKEN_URL: op.facebook.tokenUrl,
      FACEBOOK_ME_URL: op.facebook.meUrl,
    });
  });

  afterAll(async () => {
    await app?.stop();
    await op?.stop();
  });

  async function allEvents(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (;;) {
      const page = await app.infra.eventStore.readAll({ limit: 500, ...(events.length ? { after: events[events.length - 1].position } : {}) });
      if (page.length === 0) return events;
      events.push(...page);
    }
  }
  const countOf = (events: readonly RecordedEvent[], type: string) => events.filter((e) => e.type === type).length;

  /** The whole journey of a browser: the app's start, the provider's forms, up to the redirect to the app's callback. */
  async function toCallback(browser: TestBrowser, provider: string, login: string): Promise<URL> {
    return browser.journey(`${app.url}/api/auth/oidc/${provider}/start`, { login, stopAt: isCallbackOf(provider) });
  }

  /** Where the app's callback sends the browser. */
  async function callback(browser: TestBrowser, url: URL): Promise<URL> {
    const answer = await browser.request(url);
    expect(answer.status).toBe(302);
    expect(answer.location).toBeDefined();
    return answer.location as URL;
  }

  const tokensOf = (landing: URL) => {
    expect(landing.pathname).toBe('/auth/callback');
    expect(landing.search).toBe('');
    const fragment = new URLSearchParams(landing.hash.slice(1));
    return {
      accessToken: fragment.get('accessToken') as string,
      refreshToken: fragment.get('refreshToken') as string,
      expiresIn: Number(fragment.get('expiresIn')),
    };
  };

  const me = async (accessToken: string): Promise<MeView> => {
    const response = await fetch(`${app.url}/api/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as MeView;
  };

  const errorOf = (landing: URL): string | null => {
    expect(landing.pathname).toBe('/sign-in');
    return landing.searchParams.get('error');
  };

  it('lists the configured providers for the sign-in page', async () => {
    const response = await fetch(`${app.url}/api/auth/providers`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { id: 'facebook', label: 'Facebook', startUrl: '/api/auth/oidc/facebook/start' },
      { id: 'local', label: 'Local SSO', startUrl: '/api/auth/oidc/local/start' },
    ]);
  });

  it('starts with a redirect to the provider and a sealed, HttpOnly, SameSite=Lax, short-lived flow cookie', async () => {
    const browser = new TestBrowser();
    const started = await browser.request(`${app.url}/api/auth/oidc/local/start`);
    expect(started.status).toBe(302);
    expect(started.location?.origin).toBe(op.issuer);
    const authorize = started.location as URL;
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.url}/api/auth/oidc/local/callback`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const setCookie = (await fetch(`${app.url}/api/auth/oidc/local/start`, { redirect: 'manual' })).headers.getSetCookie();
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^sb_oidc_flow=[A-Za-z0-9_-]+; Path=\/api\/auth\/oidc; Max-Age=600; HttpOnly; SameSite=Lax$/);
    // Sealed: neither the state nor the nonce can be read from it.
    const cookie = browser.cookies.get('sb_oidc_flow') as string;
    expect(Buffer.from(cookie, 'base64url').toString('latin1')).not.toContain(authorize.searchParams.get('state') as string);
  });

  it('registers and activates a new person at once, signs them in, and signs the same email in again without a duplicate', async () => {
    const before = await allEvents();
    const browser = new TestBrowser();
    const landing = await callback(browser, await toCallback(browser, 'local', 'ann'));
    const first = tokensOf(landing);
    expect(first.expiresIn).toBeGreaterThan(0);
    expect(browser.cookies.get('sb_oidc_flow')).toBeUndefined();
    const ann = await me(first.accessToken);
    expect(ann).toMatchObject({ email: 'ann.social@example.com', status: 'active', role: 'owner', mustChangePassword: false });

    // The refresh token is a real one: it rotates.
    const refreshed = await fetch(`${app.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken: first.refreshToken }),
    });
    expect(refreshed.status).toBe(200);

    // Again, through another provider that knows the same email: the same user, a new session.
    const other = new TestBrowser();
    const again = tokensOf(await callback(other, await toCallback(other, 'facebook', 'ann')));
    expect(again.accessToken).not.toBe(first.accessToken);
    expect(await me(again.accessToken)).toMatchObject({ id: ann.id, accountId: ann.accountId, email: 'ann.social@example.com', status: 'active' });

    const added = (await allEvents()).slice(before.length);
    expect(countOf(added, 'UserRegistered')).toBe(1);
    expect(countOf(added, 'AccountRegistered')).toBe(1);
    expect(countOf(added, 'EmailClaimed')).toBe(1);
    expect(added.filter((e) => e.type === 'UserSignedIn').map((e) => (e.data as { method: string }).method)).toEqual(['oidc', 'facebook']);
  });

  it('refuses an answer with a tampered state, or without the flow cookie, and creates nothing', async () => {
    const before = await allEvents();
    const browser = new TestBrowser();
    const genuine = await toCallback(browser, 'local', 'carl');
    const tampered = new URL(genuine);
    tampered.searchParams.set('state', `${genuine.searchParams.get('state')}x`);
    expect(errorOf(await callback(browser, tampered))).toBe('PROVIDER_STATE_INVALID');
    // The flow was answered (its cookie is gone): the genuine answer cannot be replayed after it.
    expect(errorOf(await callback(browser, genuine))).toBe('PROVIDER_STATE_INVALID');

    // A forged sign-in: somebody else's callback URL opened in a browser that never started a flow.
    const victim = new TestBrowser();
    const attacker = new TestBrowser();
    const forged = await toCallback(attacker, 'local', 'carl');
    expect(errorOf(await callback(victim, forged))).toBe('PROVIDER_STATE_INVALID');

    const added = (await allEvents()).slice(before.length);
    expect(added.map((e) => e.type).filter((t) => t !== 'SecurityAttemptRecorded')).toEqual([]);
    expect(added.filter((e) => e.type === 'SecurityAttemptRecorded').map((e) => (e.data as { reason: string }).reason)).toEqual([
      'provider_state_invalid',
      'provider_state_invalid',
      'provider_state_invalid',
    ]);
  });

  it('refuses an email the provider has not verified, records the attempt, and creates nothing', async () => {
    const before = await allEvents();
    const browser = new TestBrowser();
    expect(errorOf(await callback(browser, await toCallback(browser, 'local', 'ursula')))).toBe('EMAIL_NOT_VERIFIED');
    // Facebook gives no email it has not confirmed.
    const fb = new TestBrowser();
    expect(errorOf(await callback(fb, await toCallback(fb, 'facebook', 'ursula')))).toBe('EMAIL_MISSING');

    const added = (await allEvents()).slice(before.length);
    expect(added.map((e) => e.type)).toEqual(['SecurityAttemptRecorded', 'SecurityAttemptRecorded']);
    expect(added.map((e) => (e.data as { reason: string }).reason)).toEqual(['email_unverified', 'email_missing']);
  });

  it('sends an unknown provider and a cancelled sign-in back to the sign-in page with a code', async () => {
    const browser = new TestBrowser();
    expect(errorOf((await browser.request(`${app.url}/api/auth/oidc/nope/start`)).location as URL)).toBe('PROVIDER_UNKNOWN');

    const started = await browser.request(`${app.url}/api/auth/oidc/local/start`);
    const state = started.location?.searchParams.get('state') as string;
    const cancelled = new URL(`${app.url}/api/auth/oidc/local/callback`);
    cancelled.searchParams.set('error', 'access_denied');
    cancelled.searchParams.set('state', state);
    expect(errorOf(await callback(browser, cancelled))).toBe('PROVIDER_DENIED');
  });
});
