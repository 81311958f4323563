import { EnvironmentProviders, inject, makeEnvironmentProviders, provideAppInitializer } from '@angular/core';

import { CONSOLE_ACCESS_TOKEN } from '../console-link/console-socket.service';
import { AuthService } from './auth.service';

/**
 * Restores a kept session in the background (guards wait for it; public pages do not) and lends the
 * access token to the console link's hello. The HTTP interceptor is registered with the HttpClient.
 */
export function provideAuth(): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideAppInitializer(() => {
      void inject(AuthService).ready();
    }),
    {
      provide: CONSOLE_ACCESS_TOKEN,
      useFactory: () => {
        const auth = inject(AuthService);
        return () => auth.accessToken();
      },
    },
  ]);
}
