import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { TranslatePipe } from '@ngx-translate/core';

import { safeReturnUrl } from '../auth/auth.guards';
import { AuthService } from '../auth/auth.service';
import { type Problem, problemOf } from '../auth/problem';
import { ProblemMessage, isExplainedCode } from '../shared/problem-message';
import { ProviderButtons } from './provider-buttons';

/** Where a user lands after signing in when no page asked for it: the first entry of the menu. */
export const HOME_AFTER_SIGN_IN = '/computers';

/** Why the user is here, said above the form (from the `reason` query parameter). */
const REASONS = new Set(['signed-out', 'expired', 'deleted', 'social-failed']);

@Component({
  selector: 'app-sign-in-page',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, ProblemMessage, ProviderButtons],
  templateUrl: './sign-in-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignInPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  /** Query parameters. */
  readonly returnUrl = input<string | undefined>();
  readonly reason = input<string | undefined>();
  /** Set by the server when a social sign-in failed (`/sign-in?error=<CODE>`). */
  readonly error = input<string | undefined>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  protected readonly busy = signal(false);
  protected readonly problem = signal<Problem | null>(null);
  /** Seconds left before another attempt is allowed, after a 429. */
  protected readonly waitSeconds = signal(0);
  protected readonly reasonKey = computed(() => {
    const reason = this.reason();
    return reason && REASONS.has(reason) ? `signIn.reason.${reason}` : null;
  });
  protected readonly socialError = computed(() => {
    const code = this.error();
    if (!code || !/^[A-Z][A-Z_]{2,63}$/.test(code)) return null;
    return { code, key: isExplainedCode(code) ? `errors.${code}` : 'callback.failed' };
  });
  private countdown: ReturnType<typeof setInterval> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearInterval(this.countdown));
  }

  protected invalid(name: 'email' | 'password'): boolean {
    const control = this.form.controls[name];
    return control.invalid && control.touched;
  }

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    if (this.busy() || this.waitSeconds() > 0) return;
    this.busy.set(true);
    this.problem.set(null);
    try {
      const { email, password } = this.form.getRawValue();
      const pair = await this.auth.signIn({ email: email.trim(), password });
      await this.router.navigateByUrl(pair.mustChangePassword ? '/first-login' : safeReturnUrl(this.returnUrl(), HOME_AFTER_SIGN_IN));
    } catch (error) {
      const problem = problemOf(error);
      this.problem.set(problem);
      if (problem.code === 'TOO_MANY_ATTEMPTS' && problem.retryAfterSeconds) this.startCountdown(problem.retryAfterSeconds);
      this.form.controls.password.reset();
    } finally {
      this.busy.set(false);
    }
  }

  private startCountdown(seconds: number): void {
    clearInterval(this.countdown);
    const until = Date.now() + seconds * 1000;
    this.waitSeconds.set(seconds);
    this.countdown = setInterval(() => {
      const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      this.waitSeconds.set(left);
      if (left === 0) {
        clearInterval(this.countdown);
        this.problem.set(null);
      }
    }, 1000);
  }
}
