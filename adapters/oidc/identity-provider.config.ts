import { envReader, type Env } from '../nest/env-parsing';

/** Google's OpenID Connect issuer; its discovery document gives every endpoint. */
export const GOOGLE_ISSUER = 'https://accounts.google.com';

/** Facebook Login's endpoints (manual flow); overridable so that a test can point them at a local server. */
export const FACEBOOK_DEFAULTS = {
  authorizationUrl: 'https://www.facebook.com/v23.0/dialog/oauth',
  tokenUrl: 'https://graph.facebook.com/v23.0/oauth/access_token',
  meUrl: 'https://graph.facebook.com/v23.0/me',
} as const;

interface ProviderCredentials {
  /** The provider's id in URLs (`/api/auth/oidc/<id>/start`): lower-case letters, digits and hyphens. */
  readonly id: string;
  /** The button's text. */
  readonly label: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** An OpenID Connect issuer found by discovery: Google, or a generic one (Keycloak, Entra ID, Okta…). */
export interface OidcProviderConfig extends ProviderCredentials {
  readonly kind: 'google' | 'oidc';
  readonly issuer: string;
}

/** Facebook Login: OAuth2 code flow, then the person from the Graph API's `me`. */
export interface FacebookProviderConfig extends ProviderCredentials {
  readonly kind: 'facebook';
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly meUrl: string;
}

export type IdentityProviderConfig = OidcProviderConfig | FacebookProviderConfig;

/** The variables of social sign-in, for the configuration table and `--help`. */
export const IDENTITY_PROVIDER_VARIABLES = [
  {
    name: 'GOOGLE_CLIENT_ID',
    default: '(unset: no Google button)',
    meaning: 'OAuth client id of "Sign in with Google"; set GOOGLE_CLIENT_SECRET with it. Redirect URI: PUBLIC_URL/api/auth/oidc/google/callback.',
  },
  { name: 'GOOGLE_CLIENT_SECRET', default: '(unset)', meaning: 'OAuth client secret of Google sign-in.' },
  {
    name: 'FACEBOOK_CLIENT_ID',
    default: '(unset: no Facebook button)',
    meaning: 'App id of Facebook Login; set FACEBOOK_CLIENT_SECRET with it. Redirect URI: PUBLIC_URL/api/auth/oidc/facebook/callback.',
  },
  { name: 'FACEBOOK_CLIENT_SECRET', default: '(unset)', meaning: 'App secret of Facebook Login.' },
  { name: 'FACEBOOK_AUTHORIZATION_URL', default: FACEBOOK_DEFAULTS.authorizationUrl, meaning: 'Facebook Login dialog (another Graph API version, or a test server).' },
  { name: 'FACEBOOK_TOKEN_URL', default: FACEBOOK_DEFAULTS.tokenUrl, meaning: 'Facebook Login token endpoint.' },
  { name: 'FACEBOOK_ME_URL', default: FACEBOOK_DEFAULTS.meUrl, meaning: 'Graph API `me` (asked for id, name and email).' },
  {
    name: 'OIDC_<NAME>_ISSUER',
    default: '(unset)',
    meaning:
      'Any OpenID Connect issuer (discovery URL without /.well-known), with OIDC_<NAME>_CLIENT_ID, OIDC_<NAME>_CLIENT_SECRET and optional OIDC_<NAME>_LABEL; its id is <name> in lower case (OIDC_ACME_SSO_ISSUER → acme-sso).',
  },
] as const;

const GENERIC_ISSUER = /^OIDC_([A-Z0-9]+(?:_[A-Z0-9]+)*)_ISSUER$/;
const RESERVED_IDS = new Set(['google', 'facebook']);

/**
 * Reads the configured providers; a half-configured provider (an id without its secret, a bad URL) is a
 * problem pushed to `problems`, so that a deployment fails at boot rather than at the first sign-in.
 */
export function readIdentityProviders(env: Env, problems: string[]): IdentityProviderConfig[] {
  const { value } = envReader(env, problems);
  const httpUrl = (name: string, fallback?: string): string => {
    const raw = value(name) ?? fallback;
    if (raw === undefined) {
      problems.push(`${name}: must be set`);
      return '';
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      problems.push(`${name}: must be an http:// or https:// URL`);
      return '';
    }
    return raw.replace(/\/+$/, '');
  };
  const credentials = (prefix: string): { clientId: string; clientSecret: string } | undefined => {
    const clientId = value(`${prefix}_CLIENT_ID`);
    const clientSecret = value(`${prefix}_CLIENT_SECRET`);
    if (clientId === undefined && clientSecret === undefined) return undefined;
    // A secret: never echo it.
    if (clientId === undefined) problems.push(`${prefix}_CLIENT_ID: must be set with ${prefix}_CLIENT_SECRET`);
    if (clientSecret === undefined) problems.push(`${prefix}_CLIENT_SECRET: must be set with ${prefix}_CLIENT_ID`);
    return clientId && clientSecret ? { clientId, clientSecret } : undefined;
  };

  const providers: IdentityProviderConfig[] = [];
  const google = credentials('GOOGLE');
  if (google) providers.push({ kind: 'google', id: 'google', label: 'Google', issuer: GOOGLE_ISSUER, ...google });
  const facebook = credentials('FACEBOOK');
  if (facebook) {
    providers.push({
      kind: 'facebook',
      id: 'facebook',
      label: 'Facebook',
      authorizationUrl: httpUrl('FACEBOOK_AUTHORIZATION_URL', FACEBOOK_DEFAULTS.authorizationUrl),
      tokenUrl: httpUrl('FACEBOOK_TOKEN_URL', FACEBOOK_DEFAULTS.tokenUrl),
      meUrl: httpUrl('FACEBOOK_ME_URL', FACEBOOK_DEFAULTS.meUrl),
      ...facebook,
    });
  }

  const names = Object.keys(env)
    .map((key) => GENERIC_ISSUER.exec(key)?.[1])
    .filter((name): name is string => name !== undefined && value(`OIDC_${name}_ISSUER`) !== undefined)
    .sort();
  for (const name of names) {
    const prefix = `OIDC_${name}`;
    const id = name.toLowerCase().replace(/_/g, '-');
    if (RESERVED_IDS.has(id)) {
      problems.push(`${prefix}_ISSUER: "${id}" is reserved; use ${id.toUpperCase()}_CLIENT_ID/SECRET or another name`);
      continue;
    }
    const issuer = httpUrl(`${prefix}_ISSUER`);
    const creds = credentials(prefix);
    if (!creds) {
      if (value(`${prefix}_CLIENT_ID`) === undefined && value(`${prefix}_CLIENT_SECRET`) === undefined) {
        problems.push(`${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET: must be set with ${prefix}_ISSUER`);
      }
      continue;
    }
    providers.push({ kind: 'oidc', id, label: value(`${prefix}_LABEL`) ?? name.replace(/_/g, ' '), issuer, ...creds });
  }
  return providers;
}
