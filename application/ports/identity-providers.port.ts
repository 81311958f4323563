import type { IdentityProviderView } from '../contracts/auth.contracts';
import { ApplicationError } from '../errors';

export const IDENTITY_PROVIDERS = Symbol('IdentityProviders');

/** Which sign-in method a provider stands for in the user's events. */
export type IdentityProviderKind = 'google' | 'facebook' | 'oidc';

/** What must come back unchanged with the provider's answer: kept by the browser's flow cookie, never shown. */
export interface IdentityFlowChecks {
  /** Ties the answer to the browser that started the flow (CSRF). */
  readonly state: string;
  /** Ties the ID token to this flow (replay); unused by OAuth2-only providers. */
  readonly nonce: string;
  /** PKCE (S256): only the holder of the verifier can redeem the code. */
  readonly codeVerifier: string;
}

export interface IdentityFlowStart extends IdentityFlowChecks {
  /** Where to send the browser: the provider's authorization endpoint with every parameter. */
  readonly url: string;
}

/** A person as a provider vouches for them. */
export interface ProvidedIdentity {
  readonly provider: string;
  readonly kind: IdentityProviderKind;
  /** The provider's stable id of the person (`sub`, or Facebook's app-scoped `id`). */
  readonly subject: string;
  /** Lower-cased and trimmed. */
  readonly email: string;
  /**
   * Whether the provider vouches for the email. `finish` reports an unverified one instead of refusing it, so
   * that the sign-in use case refuses it and records the attempt in the audit log.
   */
  readonly emailVerified: boolean;
  readonly name?: string;
}

/**
 * Why a social sign-in failed. Stable codes, shown to the person on the sign-in page:
 * - PROVIDER_UNKNOWN: no provider of that id is configured
 * - PROVIDER_STATE_INVALID: the answer does not belong to the flow this browser started (tampered, replayed or stale)
 * - PROVIDER_DENIED: the person cancelled or the provider refused them
 * - PROVIDER_FAILED: the provider could not be reached, or its answer did not verify
 * - EMAIL_MISSING: the provider gave no email (the person withheld it, or Facebook has no confirmed one)
 */
export type IdentityProviderErrorCode =
  | 'PROVIDER_UNKNOWN'
  | 'PROVIDER_STATE_INVALID'
  | 'PROVIDER_DENIED'
  | 'PROVIDER_FAILED'
  | 'EMAIL_MISSING';

export class IdentityProviderError extends ApplicationError {
  constructor(
    override readonly code: IdentityProviderErrorCode,
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(code, message, details);
  }
}

/** Social sign-in: Google and generic OpenID Connect issuers, and Facebook's OAuth2 with its Graph `me`. */
export interface IdentityProviders {
  /** The configured providers, in a stable order, for the sign-in page's buttons. */
  list(): IdentityProviderView[];
  /** Whether `providerId` is configured. */
  has(providerId: string): boolean;
  /** A new authorization request (code flow, PKCE S256, fresh state and nonce) answering to `redirectUri`. */
  start(providerId: string, redirectUri: string): Promise<IdentityFlowStart>;
  /**
   * Redeems the provider's answer (the callback's query parameters) against the checks of the flow that
   * started it, and returns the person. Throws IdentityProviderError.
   */
  finish(
    providerId: string,
    callbackParams: Readonly<Record<string, string>>,
    expected: IdentityFlowChecks,
    redirectUri: string,
  ): Promise<ProvidedIdentity>;
}
