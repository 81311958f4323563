import { ChangeDetectionStrategy, Component, effect, inject, input, output } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { AbstractControl, NonNullableFormBuilder, ReactiveFormsModule, ValidationErrors, Validators } from '@angular/forms';
import { TranslatePipe } from '@ngx-translate/core';

import type { Problem } from '../auth/problem';
import { PasswordHints } from './password-hints';
import { ProblemMessage } from './problem-message';

export interface NewPasswordSubmission {
  /** Empty when the form did not ask for it (the page knows it already, or needs none). */
  readonly currentPassword: string;
  readonly newPassword: string;
}

function sameAsNew(control: AbstractControl): ValidationErrors | null {
  const form = control.parent;
  if (!form) return null;
  return control.value === form.get('newPassword')?.value ? null : { mismatch: true };
}

/**
 * New password twice (and the current one when asked), with live hints. The page sends it and hands the
 * server's answer back in `problem`: a WEAK_PASSWORD lists the server's reasons, which decide.
 */
@Component({
  selector: 'app-new-password-form',
  imports: [ReactiveFormsModule, TranslatePipe, PasswordHints, ProblemMessage],
  template: `
    <form class="form" [formGroup]="form" (ngSubmit)="submit()" novalidate>
      @if (askCurrent()) {
        <div class="field">
          <label for="np-current">{{ currentLabelKey() | translate }}</label>
          <input
            id="np-current"
            type="password"
            formControlName="currentPassword"
            autocomplete="current-password"
            data-testid="newpassword-current"
            [attr.aria-invalid]="invalid('currentPassword')"
          />
          @if (invalid('currentPassword')) {
            <p class="field-error">{{ 'form.required' | translate }}</p>
          }
        </div>
      }
      <div class="field">
        <label for="np-new">{{ 'password.new' | translate }}</label>
        <input
          id="np-new"
          type="password"
          formControlName="newPassword"
          autocomplete="new-password"
          data-testid="newpassword-new"
          aria-describedby="np-hints"
          [attr.aria-invalid]="invalid('newPassword')"
        />
        <app-password-hints id="np-hints" [password]="newPassword()" [email]="email()" />
      </div>
      <div class="field">
        <label for="np-confirm">{{ 'password.confirm' | translate }}</label>
        <input
          id="np-confirm"
          type="password"
          formControlName="confirmPassword"
          autocomplete="new-password"
          data-testid="newpassword-confirm"
          [attr.aria-invalid]="invalid('confirmPassword')"
        />
        @if (invalid('confirmPassword')) {
          <p class="field-error" data-testid="newpassword-mismatch">{{ 'password.mismatch' | translate }}</p>
        }
      </div>
      <app-problem-message [problem]="problem()" />
      <div class="form-actions">
        <button type="submit" class="button button--primary" data-testid="newpassword-submit" [disabled]="busy()">
          {{ submitKey() | translate }}
        </button>
        <ng-content />
      </div>
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NewPasswordForm {
  readonly askCurrent = input(true);
  readonly currentLabelKey = input('password.current');
  readonly submitKey = input('password.submit');
  /** The account's email, for the "not built on your email" hint. */
  readonly email = input('');
  readonly busy = input(false);
  readonly problem = input<Problem | null>(null);
  readonly submitted = output<NewPasswordSubmission>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    currentPassword: [''],
    newPassword: ['', Validators.required],
    confirmPassword: ['', [Validators.required, sameAsNew]],
  });
  protected readonly newPassword = toSignal(this.form.controls.newPassword.valueChanges, { initialValue: '' });

  constructor() {
    effect(() => {
      const current = this.form.controls.currentPassword;
      current.setValidators(this.askCurrent() ? Validators.required : null);
      current.updateValueAndValidity();
    });
    // Retyping the new password re-checks the confirmation.
    this.form.controls.newPassword.valueChanges.subscribe(() =>
      this.form.controls.confirmPassword.updateValueAndValidity({ emitEvent: false }),
    );
  }

  protected invalid(name: 'currentPassword' | 'newPassword' | 'confirmPassword'): boolean {
    const control = this.form.controls[name];
    return control.invalid && (control.touched || control.dirty);
  }

  protected submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { currentPassword, newPassword } = this.form.getRawValue();
    this.submitted.emit({ currentPassword: this.askCurrent() ? currentPassword : '', newPassword });
  }
}
