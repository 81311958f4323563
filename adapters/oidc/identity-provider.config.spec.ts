import { FACEBOOK_DEFAULTS, GOOGLE_ISSUER, readIdentityProviders } from './identity-provider.config';

const read = (env: Record<string, string>) => {
  const problems: string[] = [];
  const providers = readIdentityProviders(env, problems);
  return { providers, problems };
};

describe('readIdentityProviders', () => {
  it('configures nothing without variables', () => {
    expect(read({ PATH: '/usr/bin' })).toEqual({ providers: [], problems: [] });
  });

  it('reads Google, Facebook (default endpoints) and generic issuers, Google and Facebook first, generic ones by name', () => {
    const { providers, problems } = read({
      OIDC_ZETA_ISSUER: 'https://zeta.example.com/',
      OIDC_ZETA_CLIENT_ID: 'z',
      OIDC_ZETA_CLIENT_SECRET: 'zs',
      OIDC_ACME_SSO_ISSUER: 'https://sso.acme.example/realms/main',
      OIDC_ACME_SSO_CLIENT_ID: 'acme',
      OIDC_ACME_SSO_CLIENT_SECRET: 'acme-secret',
      OIDC_ACME_SSO_LABEL: 'ACME staff',
      GOOGLE_CLIENT_ID: 'g-id',
      GOOGLE_CLIENT_SECRET: 'g-secret',
      FACEBOOK_CLIENT_ID: 'fb-id',
      FACEBOOK_CLIENT_SECRET: 'fb-secret',
    });
    expect(problems).toEqual([]);
    expect(providers).toEqual([
      { kind: 'google', id: 'google', label: 'Google', issuer: GOOGLE_ISSUER, clientId: 'g-id', clientSecret: 'g-secret' },
      { kind: 'facebook', id: 'facebook', label: 'Facebook', clientId: 'fb-id', clientSecret: 'fb-secret', ...FACEBOOK_DEFAULTS },
      { kind: 'oidc', id: 'acme-sso', label: 'ACME staff', issuer: 'https://sso.acme.example/realms/main', clientId: 'acme', clientSecret: 'acme-secret' },
      { kind: 'oidc', id: 'zeta', label: 'ZETA', issuer: 'https://zeta.example.com', clientId: 'z', clientSecret: 'zs' },
    ]);
  });

  it('takes Facebook endpoints from the environment', () => {
    const { providers } = read({
      FACEBOOK_CLIENT_ID: 'fb',
      FACEBOOK_CLIENT_SECRET: 's',
      FACEBOOK_AUTHORIZATION_URL: 'http://127.0.0.1:4000/auth',
      FACEBOOK_TOKEN_URL: 'http://127.0.0.1:4000/token',
      FACEBOOK_ME_URL: 'http://127.0.0.1:4000/graph/me',
    });
    expect(providers[0]).toMatchObject({
      authorizationUrl: 'http://127.0.0.1:4000/auth',
      tokenUrl: 'http://127.0.0.1:4000/token',
      meUrl: 'http://127.0.0.1:4000/graph/me',
    });
  });

  it('names every half-configured provider without echoing a secret', () => {
    const { providers, problems } = read({
      GOOGLE_CLIENT_SECRET: 'super-secret-value',
      FACEBOOK_CLIENT_ID: 'fb',
      FACEBOOK_CLIENT_SECRET: 's',
      FACEBOOK_TOKEN_URL: 'ftp://nope',
      OIDC_CORP_ISSUER: 'not a url',
      OIDC_CORP_CLIENT_ID: 'c',
      OIDC_CORP_CLIENT_SECRET: 'cs',
      OIDC_LONE_ISSUER: 'https://lone.example',
      OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
      OIDC_GOOGLE_CLIENT_ID: 'x',
      OIDC_GOOGLE_CLIENT_SECRET: 'y',
    });
    expect(problems).toEqual([
      'GOOGLE_CLIENT_ID: must be set with GOOGLE_CLIENT_SECRET',
      'FACEBOOK_TOKEN_URL: must be an http:// or https:// URL',
      'OIDC_CORP_ISSUER: must be an http:// or https:// URL',
      'OIDC_GOOGLE_ISSUER: "google" is reserved; use GOOGLE_CLIENT_ID/SECRET or another name',
      'OIDC_LONE_CLIENT_ID and OIDC_LONE_CLIENT_SECRET: must be set with OIDC_LONE_ISSUER',
    ]);
    expect(problems.join('\n')).not.toContain('super-secret-value');
    expect(providers.map((p) => p.id)).toEqual(['facebook', 'corp']);
  });
});
