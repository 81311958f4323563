import type { Provider } from '@nestjs/common';
import { IDENTITY_PROVIDERS } from '../../application/ports/identity-providers.port';
import { resolveAuthSecret } from '../auth-tokens/auth-secret';
import type { AppConfig } from '../nest/config';
import { deriveFlowCookieKey, FlowCookieSealer } from './oidc-flow-cookie';
import { OpenIdIdentityProviders } from './openid-identity-providers.adapter';

/**
 * The social sign-in adapters for the composition root: the configured providers, and the sealer of flow
 * cookies keyed from the auth secret (the infrastructure has already created it when it was unset).
 */
export function oidcProviders(config: AppConfig): Provider[] {
  return [
    { provide: IDENTITY_PROVIDERS, useValue: new OpenIdIdentityProviders(config.identityProviders ?? []) },
    {
      provide: FlowCookieSealer,
      useFactory: async () => new FlowCookieSealer(deriveFlowCookieKey((await resolveAuthSecret(config.dataDir, config.authSecret)).secret)),
    },
  ];
}
