import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { ChangePasswordRequest, TokenPair } from '@contracts/auth.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';

import { AUTH_API } from '../auth/auth-api';
import { AuthService } from '../auth/auth.service';
import { type Problem, problemOf } from '../auth/problem';
import { NewPasswordForm, type NewPasswordSubmission } from '../shared/new-password-form';
import { HOME_AFTER_SIGN_IN } from './sign-in-page';

/**
 * The forced change after signing in with the emailed password. The emailed password typed at sign-in
 * is reused (kept in memory only); after a reload it is asked again.
 */
@Component({
  selector: 'app-first-login-page',
  imports: [TranslatePipe, NewPasswordForm],
  template: `
    <section class="auth-card card" aria-labelledby="first-login-title">
      <h1 id="first-login-title">{{ 'firstLogin.title' | translate }}</h1>
      <p class="muted">{{ 'firstLogin.subtitle' | translate }}</p>
      <app-new-password-form
        [askCurrent]="emailedPassword === null"
        currentLabelKey="firstLogin.emailedPassword"
        submitKey="firstLogin.submit"
        [email]="email()"
        [busy]="busy()"
        [problem]="problem()"
        (submitted)="submit($event)"
      >
        <button type="button" class="button button--link" data-testid="first-login-signout" (click)="signOut()">
          {{ 'userMenu.signOut' | translate }}
        </button>
      </app-new-password-form>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FirstLoginPage {
  private readonly auth = inject(AuthService);
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);

  protected emailedPassword = this.auth.takeSignInPassword();
  protected readonly email = computed(() => this.auth.me()?.email ?? '');
  protected readonly busy = signal(false);
  protected readonly problem = signal<Problem | null>(null);

  protected async submit({ currentPassword, newPassword }: NewPasswordSubmission): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    const body: ChangePasswordRequest = { currentPassword: this.emailedPassword ?? currentPassword, newPassword };
    try {
      const pair = await firstValueFrom(this.http.post<TokenPair>(AUTH_API.password, body));
      this.emailedPassword = null;
      await this.auth.acceptTokens(pair);
      await this.router.navigateByUrl(HOME_AFTER_SIGN_IN);
    } catch (error) {
      const problem = problemOf(error);
      // The kept password was refused (changed elsewhere meanwhile): ask for it.
      if (problem.code === 'WRONG_CURRENT_PASSWORD') this.emailedPassword = null;
      this.problem.set(problem);
    } finally {
      this.busy.set(false);
    }
  }

  protected signOut(): Promise<void> {
    return this.auth.signOut();
  }
}
