import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import type { DeleteAccountRequest } from '@contracts/auth.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';

import { AUTH_API } from '../auth/auth-api';
import { AuthService } from '../auth/auth.service';
import { type Problem, problemOf } from '../auth/problem';
import { ProblemMessage } from '../shared/problem-message';

/**
 * Deleting the account, with the current password and an explicit acknowledgement. What happens is
 * spelled out first; an owner is told that the whole account (every user, computer and share) goes.
 */
@Component({
  selector: 'app-delete-account-page',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, ProblemMessage],
  template: `
    <header class="page-header">
      <h1>{{ 'deleteAccount.title' | translate }}</h1>
    </header>
    <div class="card narrow">
      <div class="alert alert--warning" data-testid="delete-warning">
        <p><strong>{{ 'deleteAccount.warningTitle' | translate }}</strong></p>
        <ul>
          <li>{{ 'deleteAccount.sessions' | translate }}</li>
          <li>{{ 'deleteAccount.personalData' | translate }}</li>
          <li>{{ 'deleteAccount.audit' | translate }}</li>
          @if (isOwner()) {
            <li data-testid="delete-owner-warning">{{ 'deleteAccount.owner' | translate }}</li>
          }
          <li>{{ 'deleteAccount.irreversible' | translate }}</li>
        </ul>
      </div>
      <form class="form" [formGroup]="form" (ngSubmit)="submit()" novalidate>
        <div class="field">
          <label for="delete-password">{{ 'password.current' | translate }}</label>
          <input id="delete-password" type="password" formControlName="currentPassword" autocomplete="current-password" data-testid="delete-password" />
        </div>
        <label class="check">
          <input type="checkbox" formControlName="understood" data-testid="delete-confirm" />
          {{ 'deleteAccount.understood' | translate }}
        </label>
        <app-problem-message [problem]="problem()" />
        <div class="form-actions">
          <button type="submit" class="button button--danger" data-testid="delete-submit" [disabled]="form.invalid || busy()">
            {{ 'deleteAccount.submit' | translate }}
          </button>
          <a routerLink="/profile">{{ 'form.cancel' | translate }}</a>
        </div>
      </form>
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeleteAccountPage {
  private readonly auth = inject(AuthService);
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);

  protected readonly isOwner = computed(() => this.auth.me()?.role === 'owner');
  protected readonly form = inject(NonNullableFormBuilder).group({
    currentPassword: ['', Validators.required],
    understood: [false, Validators.requiredTrue],
  });
  protected readonly busy = signal(false);
  protected readonly problem = signal<Problem | null>(null);

  protected async submit(): Promise<void> {
    if (this.form.invalid || this.busy()) return;
    this.busy.set(true);
    this.problem.set(null);
    const body: DeleteAccountRequest = { currentPassword: this.form.getRawValue().currentPassword };
    try {
      await firstValueFrom(this.http.delete(AUTH_API.account, { body }));
      this.auth.endSession('deleted');
      await this.router.navigate(['/sign-in'], { queryParams: { reason: 'deleted' } });
    } catch (error) {
      this.problem.set(problemOf(error));
      this.form.controls.currentPassword.reset();
    } finally {
      this.busy.set(false);
    }
  }
}
