import { timingSafeEqual } from 'node:crypto';
import { errors, generators, Issuer, type BaseClient, type TokenSet } from 'openid-client';
import type { IdentityProviderView } from '../../application/contracts/auth.contracts';
import {
  IdentityProviderError,
  type IdentityFlowChecks,
  type IdentityFlowStart,
  type IdentityProviders,
  type ProvidedIdentity,
} from '../../application/ports/identity-providers.port';
import { normalizeEmail } from '../../domain/user/email';
import type { FacebookProviderConfig, IdentityProviderConfig, OidcProviderConfig } from './identity-provider.config';

/** What an OpenID Connect sign-in asks for: who the person is and their email. */
const OIDC_SCOPE = 'openid email profile';
/** Facebook Login's permissions for the same: the app-scoped id and name come with `public_profile`. */
const FACEBOOK_SCOPE = 'email public_profile';
const FACEBOOK_FIELDS = 'id,name,email';

/** Where the console navigates to start a provider's flow (see the OIDC controller). */
export const startPath = (providerId: string): string => `/api/auth/oidc/${encodeURIComponent(providerId)}/start`;

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};

/** Some issuers send `email_verified` as the string "true". */
const isTrue = (claim: unknown): boolean => claim === true || claim === 'true';

const stringClaim = (claim: unknown): string | undefined => (typeof claim === 'string' && claim.trim() !== '' ? claim.trim() : undefined);

/**
 * Social sign-in with openid-client: OpenID Connect discovery for Google and generic issuers (code flow,
 * PKCE S256, state, nonce, ID token verified against the issuer's keys), and Facebook Login as OAuth2
 * (code flow with PKCE and state, then the Graph API's `me`). Discovery runs at the first use of an
 * issuer, so an unreachable provider never stops the server's boot; a failed discovery is retried later.
 */
export class OpenIdIdentityProviders implements IdentityProviders {
  private readonly byId: ReadonlyMap<string, IdentityProviderConfig>;
  private readonly clients = new Map<string, Promise<BaseClient>>();

  constructor(private readonly providers: readonly IdentityProviderConfig[]) {
    this.byId = new Map(providers.map((p) => [p.id, p]));
  }

  list(): IdentityProviderView[] {
    return this.providers.map((p) => ({ id: p.id, label: p.label, startUrl: startPath(p.id) }));
  }

  has(providerId: string): boolean {
    return this.byId.has(providerId);
  }

  async start(providerId: string, redirectUri: string): Promise<IdentityFlowStart> {
    const provider = this.config(providerId);
    const client = await this.client(provider);
    const state = generators.state();
    const nonce = generators.nonce();
    const codeVerifier = generators.codeVerifier();
    const url = client.authorizationUrl({
      redirect_uri: redirectUri,
      scope: provider.kind === 'facebook' ? FACEBOOK_SCOPE : OIDC_SCOPE,
      state,
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      // A nonce is an OpenID Connect parameter: Facebook's OAuth2 dialog has no ID token to carry it.
      ...(provider.kind === 'facebook' ? {} : { nonce }),
    });
    return { url, state, nonce, codeVerifier };
  }

  async finish(
    providerId: string,
    callbackParams: Readonly<Record<string, string>>,
    expected: IdentityFlowChecks,
    redirectUri: string,
  ): Promise<ProvidedIdentity> {
    const provider = this.config(providerId);
    // The state is checked before anything else: an answer that is not this browser's flow is not even read.
    if (typeof callbackParams.state !== 'string' || !sameSecret(callbackParams.state, expected.state)) {
      throw new IdentityProviderError('PROVIDER_STATE_INVALID', 'This answer does not belong to the sign-in this browser started');
    }
    if (callbackParams.error !== undefined) {
      const denied = callbackParams.error === 'access_denied';
      throw new IdentityProviderError(
        denied ? 'PROVIDER_DENIED' : 'PROVIDER_FAILED',
        denied ? 'The sign-in was cancelled or refused at the provider' : 'The provider refused the sign-in',
        { providerError: callbackParams.error },
      );
    }
    const client = await this.client(provider);
    try {
      return provider.kind === 'facebook'
        ? await this.finishFacebook(provider, client, callbackParams, expected, redirectUri)
        : await this.finishOidc(provider, client, callbackParams, expected, redirectUri);
    } catch (error) {
      if (error instanceof IdentityProviderError) throw error;
      throw this.failure(provider, error);
    }
  }

  private async finishOidc(
    provider: OidcProviderConfig,
    client: BaseClient,
    params: Readonly<Record<string, string>>,
    expected: IdentityFlowChecks,
    redirectUri: string,
  ): Promise<ProvidedIdentity> {
    const tokens = await client.callback(redirectUri, { ...params }, {
      state: expected.state,
      nonce: expected.nonce,
      code_verifier: expected.codeVerifier,
      response_type: 'code',
    });
    let claims: Record<string, unknown> = { ...tokens.claims() };
    // Issuers that keep the ID token small (oidc-provider, Entra ID…) give the email at the userinfo endpoint.
    if (stringClaim(claims.email) === undefined && client.issuer.metadata.userinfo_endpoint) {
      claims = { ...(await client.userinfo(tokens)), ...claims };
    }
    const email = stringClaim(claims.email);
    if (email === undefined) throw new IdentityProviderError('EMAIL_MISSING', `${provider.label} gave no email address`);
    const name = stringClaim(claims.name);
    return {
      provider: provider.id,
      kind: provider.kind,
      subject: String(claims.sub),
      email: normalizeEmail(email),
      emailVerified: isTrue(claims.email_verified),
      ...(name ? { name } : {}),
    };
  }

  private async finishFacebook(
    provider: FacebookProviderConfig,
    client: BaseClient,
    params: Readonly<Record<string, string>>,
    expected: IdentityFlowChecks,
    redirectUri: string,
  ): Promise<ProvidedIdentity> {
    const tokens: TokenSet = await client.oauthCallback(redirectUri, { ...params }, {
      state: expected.state,
      code_verifier: expected.codeVerifier,
      response_type: 'code',
    });
    const url = new URL(provider.meUrl);
    url.searchParams.set('fields', FACEBOOK_FIELDS);
    const response = await client.requestResource(url, tokens, { method: 'GET', headers: { Accept: 'application/json' } });
    if (response.statusCode !== 200 || !response.body) {
      throw new IdentityProviderError('PROVIDER_FAILED', `${provider.label} did not say who signed in`, { status: response.statusCode });
    }
    const me = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
    const subject = stringClaim(me.id) ?? (typeof me.id === 'number' ? String(me.id) : undefined);
    if (subject === undefined) throw new IdentityProviderError('PROVIDER_FAILED', `${provider.label} did not say who signed in`);
    // The Graph API gives a person's email only once they confirmed it, and only if they granted it: one it gives is verified.
    const email = stringClaim(me.email);
    if (email === undefined) {
      throw new IdentityProviderError('EMAIL_MISSING', `${provider.label} gave no confirmed email address (or it was not shared)`);
    }
    const name = stringClaim(me.name);
    return { provider: provider.id, kind: 'facebook', subject, email: normalizeEmail(email), emailVerified: true, ...(name ? { name } : {}) };
  }

  private config(providerId: string): IdentityProviderConfig {
    const provider = this.byId.get(providerId);
    if (!provider) throw new IdentityProviderError('PROVIDER_UNKNOWN', 'No such sign-in provider', { provider: providerId });
    return provider;
  }

  /** The provider's client, made once; a discovery that failed is forgotten so that the next sign-in tries again. */
  private client(provider: IdentityProviderConfig): Promise<BaseClient> {
    let client = this.clients.get(provider.id);
    if (!client) {
      client = this.makeClient(provider).catch((error: unknown) => {
        this.clients.delete(provider.id);
        throw this.failure(provider, error);
      });
      this.clients.set(provider.id, client);
    }
    return client;
  }

  private async makeClient(provider: IdentityProviderConfig): Promise<BaseClient> {
    if (provider.kind === 'facebook') {
      const issuer = new Issuer({
        // Facebook has no discovery for OAuth2; its authorization server is the dialog's origin.
        issuer: new URL(provider.authorizationUrl).origin,
        authorization_endpoint: provider.authorizationUrl,
        token_endpoint: provider.tokenUrl,
      });
      // Facebook takes the app secret in the token request's body.
      return new issuer.Client({
        client_id: provider.clientId,
        client_secret: provider.clientSecret,
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      });
    }
    const issuer = await Issuer.discover(provider.issuer);
    return new issuer.Client({ client_id: provider.clientId, client_secret: provider.clientSecret, response_types: ['code'] });
  }

  private failure(provider: IdentityProviderConfig, error: unknown): IdentityProviderError {
    if (error instanceof IdentityProviderError) return error;
    const reason =
      error instanceof errors.OPError
        ? `${provider.label} answered ${error.error}`
        : error instanceof errors.RPError
          ? `${provider.label}'s answer did not verify: ${error.message}`
          : `${provider.label} could not be reached: ${(error as Error).message ?? String(error)}`;
    return new IdentityProviderError('PROVIDER_FAILED', reason, { provider: provider.id });
  }
}
