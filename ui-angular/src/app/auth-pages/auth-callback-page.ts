import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { TokenPair } from '@contracts/auth.contracts';
import { TranslatePipe } from '@ngx-translate/core';

import { safeReturnUrl } from '../auth/auth.guards';
import { AuthService } from '../auth/auth.service';
import { HOME_AFTER_SIGN_IN } from './sign-in-page';

/**
 * Reads the token pair the server put in the URL fragment after a social sign-in. A fragment never
 * reaches a server or a Referer; the page then replaces the URL so the tokens leave the history too.
 * Accepts `accessToken`/`refreshToken`/`expiresIn`/`mustChangePassword` (or their snake_case forms),
 * and `error` (a code). The server sends refusals to `/sign-in?error=<CODE>` instead; both are shown.
 */
export function tokensFromFragment(fragment: string | null): TokenPair | { error: string } {
  const params = new URLSearchParams((fragment ?? '').replace(/^#/, ''));
  const error = params.get('error');
  if (error) return { error };
  const accessToken = params.get('accessToken') ?? params.get('access_token');
  const refreshToken = params.get('refreshToken') ?? params.get('refresh_token');
  if (!accessToken || !refreshToken) return { error: 'MISSING_TOKENS' };
  const expiresIn = Number(params.get('expiresIn') ?? params.get('expires_in') ?? 0);
  const mustChange = params.get('mustChangePassword') ?? params.get('must_change_password');
  return { accessToken, refreshToken, expiresIn, mustChangePassword: mustChange === 'true' || mustChange === '1' };
}

@Component({
  selector: 'app-auth-callback-page',
  imports: [RouterLink, TranslatePipe],
  template: `
    <section class="auth-card card" aria-live="polite">
      @if (error(); as code) {
        <h1>{{ 'callback.failedTitle' | translate }}</h1>
        <p class="alert alert--error" role="alert" data-testid="callback-error" [attr.data-code]="code">
          {{ 'callback.failed' | translate: { code } }}
        </p>
        <a class="button button--primary button--block" routerLink="/sign-in">{{ 'recover.backToSignIn' | translate }}</a>
      } @else {
        <p data-testid="callback-working">{{ 'callback.working' | translate }}</p>
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuthCallbackPage implements OnInit {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly error = signal<string | null>(null);

  async ngOnInit(): Promise<void> {
    const result = tokensFromFragment(this.route.snapshot.fragment);
    if ('error' in result) {
      this.error.set(result.error);
      // Drop the fragment from the address bar all the same.
      await this.router.navigate([], { relativeTo: this.route, replaceUrl: true, fragment: undefined });
      return;
    }
    await this.auth.acceptTokens(result);
    const returnUrl = safeReturnUrl(this.route.snapshot.queryParamMap.get('returnUrl'), HOME_AFTER_SIGN_IN);
    await this.router.navigateByUrl(result.mustChangePassword ? '/first-login' : returnUrl, { replaceUrl: true });
  }
}
