import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import type { RegisterRequest, RegisterResponse } from '@contracts/auth.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';

import { AUTH_API } from '../auth/auth-api';
import { type Problem, problemOf } from '../auth/problem';
import { LanguageService } from '../i18n/language.service';
import { LANGUAGES, LANGUAGE_NAMES, type LanguageCode } from '../i18n/languages';
import { ProblemMessage } from '../shared/problem-message';
import { ProviderButtons } from './provider-buttons';

/** Same bound as the server's account name. */
export const ACCOUNT_NAME_MAX = 100;

/** Email registration: the server mails a generated password; or a social provider, which signs in at once. */
@Component({
  selector: 'app-register-page',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, ProblemMessage, ProviderButtons],
  templateUrl: './register-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RegisterPage {
  private readonly http = inject(HttpClient);

  protected readonly languages = LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] }));
  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    accountName: ['', Validators.maxLength(ACCOUNT_NAME_MAX)],
    language: [inject(LanguageService).current() as LanguageCode],
  });
  protected readonly busy = signal(false);
  protected readonly problem = signal<Problem | null>(null);
  /** The address the password was sent to, once the server accepted the registration. */
  protected readonly sentTo = signal<string | null>(null);

  protected invalid(name: 'email' | 'accountName'): boolean {
    const control = this.form.controls[name];
    return control.invalid && control.touched;
  }

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    if (this.busy()) return;
    this.busy.set(true);
    this.problem.set(null);
    const { email, accountName, language } = this.form.getRawValue();
    const body: RegisterRequest = {
      email: email.trim(),
      language,
      ...(accountName.trim() ? { accountName: accountName.trim() } : {}),
    };
    try {
      await firstValueFrom(this.http.post<RegisterResponse>(AUTH_API.register, body));
      this.sentTo.set(body.email);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.busy.set(false);
    }
  }
}
