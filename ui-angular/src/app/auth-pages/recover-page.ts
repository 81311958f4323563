import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import type { RecoveryRequest } from '@contracts/auth.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';

import { AUTH_API } from '../auth/auth-api';
import { type Problem, problemOf } from '../auth/problem';
import { LanguageService } from '../i18n/language.service';
import { ProblemMessage } from '../shared/problem-message';

/** Asks for a recovery link. The answer is the same whether or not the address has an account. */
@Component({
  selector: 'app-recover-page',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, ProblemMessage],
  template: `
    <section class="auth-card card" aria-labelledby="recover-title">
      <h1 id="recover-title">{{ 'recover.title' | translate }}</h1>
      @if (sentTo(); as email) {
        <p class="alert alert--success" role="status" data-testid="recover-sent">
          {{ 'recover.sent' | translate: { email } }}
        </p>
        <p class="muted">{{ 'recover.sentNext' | translate }}</p>
      } @else {
        <p class="muted">{{ 'recover.subtitle' | translate }}</p>
        <form class="form" [formGroup]="form" (ngSubmit)="submit()" novalidate>
          <div class="field">
            <label for="recover-email">{{ 'form.email' | translate }}</label>
            <input
              id="recover-email"
              type="email"
              formControlName="email"
              autocomplete="username"
              data-testid="recover-email"
              [attr.aria-invalid]="form.controls.email.invalid && form.controls.email.touched"
            />
            @if (form.controls.email.invalid && form.controls.email.touched) {
              <p class="field-error">{{ 'form.invalidEmail' | translate }}</p>
            }
          </div>
          <app-problem-message [problem]="problem()" />
          <button type="submit" class="button button--primary button--block" data-testid="recover-submit" [disabled]="busy()">
            {{ 'recover.submit' | translate }}
          </button>
        </form>
      }
      <p class="auth-card__footer"><a routerLink="/sign-in">{{ 'recover.backToSignIn' | translate }}</a></p>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecoverPage {
  private readonly http = inject(HttpClient);
  private readonly language = inject(LanguageService);

  protected readonly form = inject(NonNullableFormBuilder).group({ email: ['', [Validators.required, Validators.email]] });
  protected readonly busy = signal(false);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly sentTo = signal<string | null>(null);

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.problem.set(null);
    const email = this.form.getRawValue().email.trim();
    // The language of the mail when the user has no profile language yet: the one they read this page in.
    const body: RecoveryRequest & { language: string } = { email, language: this.language.current() };
    try {
      await firstValueFrom(this.http.post(AUTH_API.recovery, body));
      this.sentTo.set(email);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.busy.set(false);
    }
  }
}
