import { EnvironmentProviders, Provider, inject, makeEnvironmentProviders, provideAppInitializer } from '@angular/core';

import { CONSOLE_AUTH, type ConsoleAuth } from '../console-link/console-socket.service';
import { AuthService } from './auth.service';

/**
 * Restores a kept session in the background (guards wait for it; public pages do not) and lends the
 * session to the console link. The HTTP interceptor is registered with the HttpClient.
 */
export function provideAuth(): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideAppInitializer(() => {
      void inject(AuthService).ready();
    }),
    provideConsoleAuth(),
  ]);
}

/**
 * The console link follows the session's access token, refreshes it through the shared single-flight
 * refresh, and ends the session when the server says it was revoked, as the HTTP interceptor does.
 */
export function provideConsoleAuth(): Provider {
  return {
    provide: CONSOLE_AUTH,
    useFactory: (): ConsoleAuth => {
      const auth = inject(AuthService);
      return {
        accessToken: auth.accessToken,
        refresh: () => auth.refresh(),
        sessionEnded: () => auth.endSession('expired'),
      };
    },
  };
}
