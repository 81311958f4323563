import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { CompleteRecoveryRequest } from '@contracts/auth.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';

import { AUTH_API } from '../auth/auth-api';
import { type Problem, problemOf } from '../auth/problem';
import { NewPasswordForm, type NewPasswordSubmission } from '../shared/new-password-form';

/** The recovery link's codes after which only a new link helps. */
const DEAD_LINK = new Set(['RECOVERY_LINK_EXPIRED', 'RECOVERY_LINK_USED', 'RECOVERY_LINK_INVALID']);

/** The page a recovery link opens (`/recover/complete?token=`): choose a new password. */
@Component({
  selector: 'app-recover-complete-page',
  imports: [RouterLink, TranslatePipe, NewPasswordForm],
  template: `
    <section class="auth-card card" aria-labelledby="recover-complete-title">
      <h1 id="recover-complete-title">{{ 'recoverComplete.title' | translate }}</h1>
      @if (done()) {
        <p class="alert alert--success" role="status" data-testid="recover-complete-done">
          {{ 'recoverComplete.done' | translate }}
        </p>
        <a class="button button--primary button--block" routerLink="/sign-in">{{ 'signIn.submit' | translate }}</a>
      } @else if (linkDead()) {
        <p class="alert alert--error" role="alert" data-testid="recover-link-dead" [attr.data-code]="linkProblemCode()">
          {{ 'errors.' + linkProblemCode() | translate }}
        </p>
        <a class="button button--primary button--block" routerLink="/recover">{{ 'recoverComplete.newLink' | translate }}</a>
      } @else {
        <p class="muted">{{ 'recoverComplete.subtitle' | translate }}</p>
        <app-new-password-form
          [askCurrent]="false"
          submitKey="recoverComplete.submit"
          [busy]="busy()"
          [problem]="problem()"
          (submitted)="submit($event)"
        />
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecoverCompletePage {
  private readonly http = inject(HttpClient);

  /** Query parameter of the emailed link. */
  readonly token = input<string | undefined>();

  protected readonly busy = signal(false);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly done = signal(false);
  protected readonly linkProblemCode = computed(() => {
    if (!this.token()) return 'RECOVERY_LINK_INVALID';
    const code = this.problem()?.code;
    return code && DEAD_LINK.has(code) ? code : null;
  });
  protected readonly linkDead = computed(() => this.linkProblemCode() !== null);

  protected async submit({ newPassword }: NewPasswordSubmission): Promise<void> {
    const token = this.token();
    if (!token) return;
    this.busy.set(true);
    this.problem.set(null);
    const body: CompleteRecoveryRequest = { token, newPassword };
    try {
      await firstValueFrom(this.http.post(AUTH_API.recoveryComplete, body));
      this.done.set(true);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.busy.set(false);
    }
  }
}
