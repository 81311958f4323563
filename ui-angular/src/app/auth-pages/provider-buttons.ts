import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import type { IdentityProviderView } from '@contracts/auth.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { catchError, map, of } from 'rxjs';

import { AUTH_API } from '../auth/auth-api';

/** Only a path on this server may be navigated to, so a tampered answer cannot send the user elsewhere. */
const isLocalPath = (url: string): boolean => url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\');

/**
 * Google, Facebook (and any other configured provider) as buttons: each is a plain navigation to the
 * server's start URL, which comes back to /auth/callback. Renders nothing when none is configured.
 */
@Component({
  selector: 'app-provider-buttons',
  imports: [TranslatePipe],
  template: `
    @if (providers().length > 0) {
      <div class="providers" data-testid="providers">
        <p class="providers__or"><span>{{ labelKey() | translate }}</span></p>
        @for (provider of providers(); track provider.id) {
          <a
            class="button button--secondary provider provider--{{ provider.id }}"
            [href]="provider.startUrl"
            [attr.data-testid]="'provider-' + provider.id"
          >
            <span class="provider__mark" aria-hidden="true">{{ mark(provider) }}</span>
            {{ 'auth.continueWith' | translate: { provider: provider.label } }}
          </a>
        }
      </div>
    }
  `,
  styles: `
    .providers {
      display: grid;
      gap: 0.6rem;
      margin-top: 1.25rem;
    }
    .providers__or {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      margin: 0 0 0.25rem;
      color: var(--sb-text-muted);
      font-size: 0.85rem;
    }
    .providers__or::before,
    .providers__or::after {
      content: '';
      flex: 1;
      border-top: 1px solid var(--sb-border);
    }
    .provider {
      justify-content: center;
    }
    .provider__mark {
      display: inline-grid;
      place-items: center;
      width: 1.3rem;
      height: 1.3rem;
      border-radius: 50%;
      font-weight: 700;
      font-size: 0.8rem;
      color: #fff;
      background: var(--sb-text-muted);
    }
    .provider--google .provider__mark {
      background: #db4437;
    }
    .provider--facebook .provider__mark {
      background: #1877f2;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProviderButtons {
  readonly labelKey = input('auth.orContinueWith');

  protected readonly providers = toSignal(
    inject(HttpClient)
      .get<IdentityProviderView[]>(AUTH_API.providers)
      .pipe(
        map((list) => (Array.isArray(list) ? list.filter((p) => typeof p.startUrl === 'string' && isLocalPath(p.startUrl)) : [])),
        // Social sign-in is optional: when the list cannot be read, the email form still works.
        catchError(() => of([] as IdentityProviderView[])),
      ),
    { initialValue: [] as IdentityProviderView[] },
  );

  protected mark(provider: IdentityProviderView): string {
    return provider.id === 'facebook' ? 'f' : (provider.label.trim()[0] ?? '?').toUpperCase();
  }
}
