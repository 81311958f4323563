import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { ChangePasswordRequest, TokenPair } from '@contracts/auth.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';

import { AUTH_API } from '../auth/auth-api';
import { AuthService } from '../auth/auth.service';
import { type Problem, problemOf } from '../auth/problem';
import { NewPasswordForm, type NewPasswordSubmission } from '../shared/new-password-form';

/** Change the password with the current one; the server then ends every other session. */
@Component({
  selector: 'app-change-password-page',
  imports: [RouterLink, TranslatePipe, NewPasswordForm],
  template: `
    <header class="page-header">
      <h1>{{ 'changePassword.title' | translate }}</h1>
      <p class="muted">{{ 'changePassword.subtitle' | translate }}</p>
    </header>
    <div class="card narrow">
      @if (done()) {
        <p class="alert alert--success" role="status" data-testid="change-password-done">{{ 'changePassword.done' | translate }}</p>
        <a routerLink="/profile">{{ 'changePassword.backToProfile' | translate }}</a>
      } @else {
        <app-new-password-form
          submitKey="changePassword.submit"
          [email]="email()"
          [busy]="busy()"
          [problem]="problem()"
          (submitted)="submit($event)"
        >
          <a routerLink="/profile">{{ 'form.cancel' | translate }}</a>
        </app-new-password-form>
      }
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChangePasswordPage {
  private readonly auth = inject(AuthService);
  private readonly http = inject(HttpClient);

  protected readonly email = computed(() => this.auth.me()?.email ?? '');
  protected readonly busy = signal(false);
  protected readonly done = signal(false);
  protected readonly problem = signal<Problem | null>(null);

  protected async submit({ currentPassword, newPassword }: NewPasswordSubmission): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    const body: ChangePasswordRequest = { currentPassword, newPassword };
    try {
      const pair = await firstValueFrom(this.http.post<TokenPair>(AUTH_API.password, body));
      // The old session is gone with the old password: carry on with the fresh one.
      await this.auth.acceptTokens(pair);
      this.done.set(true);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.busy.set(false);
    }
  }
}
