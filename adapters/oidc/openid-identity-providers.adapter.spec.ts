import { IdentityProviderError, type IdentityFlowStart } from '../../application/ports/identity-providers.port';
import { startLocalOidcProvider, TestBrowser, type LocalOidcProvider } from '../../tests/kit/oidc-provider/local-oidc-provider';
import type { IdentityProviderConfig } from './identity-provider.config';
import { OpenIdIdentityProviders } from './openid-identity-providers.adapter';

/** Never visited: the browser stops at the redirect to it and hands its parameters over, as the app's callback would. */
const callbackUri = (id: string) => `http://127.0.0.1:9/api/auth/oidc/${id}/callback`;
const LOOPBACK = (id: string) => `http://127.0.0.1/api/auth/oidc/${id}/callback`;

describe('OpenIdIdentityProviders against a local oidc-provider', () => {
  let op: LocalOidcProvider;
  let providers: OpenIdIdentityProviders;

  beforeAll(async () => {
    op = await startLocalOidcProvider({
      accounts: {
        ann: { email: ' Ann@Example.com ', email_verified: true, name: 'Ann Example' },
        ursula: { email: 'ursula@example.com', email_verified: false, name: 'Ursula Unverified' },
      },
      clients: [
        { client_id: 'sb-local', client_secret: 'local-secret', redirect_uris: [LOOPBACK('local')], application_type: 'native' },
        {
          client_id: 'sb-facebook',
          client_secret: 'facebook-secret',
          redirect_uris: [LOOPBACK('facebook')],
          application_type: 'native',
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
    });
    const config: IdentityProviderConfig[] = [
      { kind: 'oidc', id: 'local', label: 'Local SSO', issuer: op.issuer, clientId: 'sb-local', clientSecret: 'local-secret' },
      { kind: 'facebook', id: 'facebook', label: 'Facebook', clientId: 'sb-facebook', clientSecret: 'facebook-secret', ...op.facebook },
      { kind: 'oidc', id: 'down', label: 'Down', issuer: 'http://127.0.0.1:1', clientId: 'x', clientSecret: 'y' },
    ];
    providers = new OpenIdIdentityProviders(config);
  });

  afterAll(async () => {
    await op?.stop();
  });

  /** Starts a flow and signs in at the provider as `login`; returns the flow and the callback's parameters. */
  async function signInAt(id: string, login: string): Promise<{ flow: IdentityFlowStart; params: Record<string, string> }> {
    const flow = await providers.start(id, callbackUri(id));
    const callback = await new TestBrowser().journey(flow.url, { login, stopAt: (url) => url.pathname === `/api/auth/oidc/${id}/callback` });
    return { flow, params: Object.fromEntries(callback.searchParams) };
  }

  const codeOf = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof IdentityProviderError) return error.code;
      throw error;
    }
    throw new Error('expected an IdentityProviderError');
  };

  it('lists the configured providers with their start URLs', () => {
    expect(providers.list()).toEqual([
      { id: 'local', label: 'Local SSO', startUrl: '/api/auth/oidc/local/start' },
      { id: 'facebook', label: 'Facebook', startUrl: '/api/auth/oidc/facebook/start' },
      { id: 'down', label: 'Down', startUrl: '/api/auth/oidc/down/start' },
    ]);
    expect(providers.has('local')).toBe(true);
    expect(providers.has('nope')).toBe(false);
  });

  it('asks for the code with PKCE S256, a fresh state and a nonce', async () => {
    const one = await providers.start('local', callbackUri('local'));
    const two = await providers.start('local', callbackUri('local'));
    const url = new URL(one.url);
    expect(url.origin + url.pathname).toBe(`${op.issuer}/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'sb-local',
      response_type: 'code',
      redirect_uri: callbackUri('local'),
      scope: 'openid email profile',
      state: one.state,
      nonce: one.nonce,
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('code_challenge')).not.toBe(one.codeVerifier);
    expect(new Set([one.state, one.nonce, one.codeVerifier, two.state, two.nonce, two.codeVerifier]).size).toBe(6);
  });

  it('signs a person in through OpenID Connect: the verified email, lower-cased, with the subject and name', async () => {
    const { flow, params } = await signInAt('local', 'ann');
    expect(params.state).toBe(flow.state);
    await expect(providers.finish('local', params, flow, callbackUri('local'))).resolves.toEqual({
      provider: 'local',
      kind: 'oidc',
      subject: 'ann',
      email: 'ann@example.com',
      emailVerified: true,
      name: 'Ann Example',
    });
  });

  it('refuses an answer whose state is not the flow’s, before redeeming the code', async () => {
    const { flow, params } = await signInAt('local', 'ann');
    expect(await codeOf(providers.finish('local', { ...params, state: `${params.state}x` }, flow, callbackUri('local')))).toBe('PROVIDER_STATE_INVALID');
    expect(await codeOf(providers.finish('local', { code: params.code }, flow, callbackUri('local')))).toBe('PROVIDER_STATE_INVALID');
    // The code was not spent by the refused attempts: the genuine answer still works.
    await expect(providers.finish('local', params, flow, callbackUri('local'))).resolves.toMatchObject({ email: 'ann@example.com' });
  });

  it('refuses a code used twice, a wrong PKCE verifier and a wrong nonce', async () => {
    const first = await signInAt('local', 'ann');
    await providers.finish('local', first.params, first.flow, callbackUri('local'));
    expect(await codeOf(providers.finish('local', first.params, first.flow, callbackUri('local')))).toBe('PROVIDER_FAILED');

    const second = await signInAt('local', 'ann');
    const wrongVerifier = { ...second.flow, codeVerifier: (await providers.start('local', callbackUri('local'))).codeVerifier };
    expect(await codeOf(providers.finish('local', second.params, wrongVerifier, callbackUri('local')))).toBe('PROVIDER_FAILED');

    const third = await signInAt('local', 'ann');
    expect(await codeOf(providers.finish('local', third.params, { ...third.flow, nonce: 'another-nonce' }, callbackUri('local')))).toBe('PROVIDER_FAILED');
  });

  it('reports an email the provider has not verified as such (the use case refuses it and records the attempt)', async () => {
    const { flow, params } = await signInAt('local', 'ursula');
    await expect(providers.finish('local', params, flow, callbackUri('local'))).resolves.toMatchObject({
      email: 'ursula@example.com',
      emailVerified: false,
    });
  });

  it('reports a person who cancelled at the provider as denied', async () => {
    const flow = await providers.start('local', callbackUri('local'));
    const params = { state: flow.state, error: 'access_denied', error_description: 'End-User aborted interaction' };
    expect(await codeOf(providers.finish('local', params, flow, callbackUri('local')))).toBe('PROVIDER_DENIED');
  });

  it('signs a person in through Facebook’s OAuth2 and Graph `me`', async () => {
    const { flow, params } = await signInAt('facebook', 'ann');
    const url = new URL(flow.url);
    expect(url.searchParams.get('scope')).toBe('email public_profile');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.has('nonce')).toBe(false);
    await expect(providers.finish('facebook', params, flow, callbackUri('facebook'))).resolves.toEqual({
      provider: 'facebook',
      kind: 'facebook',
      subject: 'ann',
      email: 'ann@example.com',
      emailVerified: true,
      name: 'Ann Example',
    });
  });

  it('refuses a Facebook person without a confirmed email', async () => {
    const { flow, params } = await signInAt('facebook', 'ursula');
    expect(await codeOf(providers.finish('facebook', params, flow, callbackUri('facebook')))).toBe('EMAIL_MISSING');
  });

  it('names an unknown provider and an unreachable one', async () => {
    expect(await codeOf(providers.start('nope', callbackUri('nope')))).toBe('PROVIDER_UNKNOWN');
    expect(await codeOf(providers.start('down', callbackUri('down')))).toBe('PROVIDER_FAILED');
    // A failed discovery is not cached as a failure: the next attempt asks again (and fails again here).
    expect(await codeOf(providers.start('down', callbackUri('down')))).toBe('PROVIDER_FAILED');
  });
});
