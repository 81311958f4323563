import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { TranslatePipe } from '@ngx-translate/core';

import type { Problem } from '../auth/problem';
import { DateTimeService } from '../date-time/date-time.service';

/** Server codes the console explains in the user's language; any other shows a generic text with its code. */
export const EXPLAINED_CODES = [
  'ACCOUNT_CLOSED',
  'ACCOUNT_FORBIDDEN',
  'AGENT_NOT_BUILT',
  'COMPUTER_FORBIDDEN',
  'COMPUTER_GROUP_ALREADY_EXISTS',
  'COMPUTER_GROUP_CYCLE',
  'COMPUTER_GROUP_FORBIDDEN',
  'COMPUTER_GROUP_LIMIT_REACHED',
  'COMPUTER_GROUP_NAME_INVALID',
  'COMPUTER_GROUP_NOT_EMPTY',
  'COMPUTER_GROUP_NOT_FOUND',
  'COMPUTER_GROUP_TOO_DEEP',
  'COMPUTER_NAME_INVALID',
  'COMPUTER_NOT_FOUND',
  'COMPUTER_SETTING_UNSUPPORTED',
  'COMPUTER_SHARE_INVALID',
  'COMPUTER_VISIBILITY_OWNER_ONLY',
  'CONNECTION_CODE_EXPIRED',
  'CONNECTION_CODE_TAKEN',
  'CONNECTION_CODE_UNKNOWN',
  'CONNECTION_CODE_USED',
  'EMAIL_ALREADY_REGISTERED',
  'FORBIDDEN',
  'INVALID_CREDENTIALS',
  'INVALID_CURSOR',
  'INVALID_FILTER',
  'INVALID_PERIOD',
  'MAIL_DELIVERY_FAILED',
  'NETWORK',
  'PERMALINK_FORBIDDEN',
  'PERMALINK_NOT_FOUND',
  'PERMALINK_PASSWORD_REQUIRED',
  'PERMALINK_PASSWORD_WRONG',
  'PERMALINK_PATH_INVALID',
  'PERMALINK_TAKEN',
  'RECORDING_CHUNK_NOT_FOUND',
  'RECORDING_CHUNK_TAMPERED',
  'RECOVERY_LINK_EXPIRED',
  'RECOVERY_LINK_INVALID',
  'RECOVERY_LINK_USED',
  'SAME_PASSWORD',
  'SESSION_ENDED',
  'SESSION_EXPIRED',
  'SESSION_FORBIDDEN',
  'SESSION_FULL',
  'SESSION_LINK_EXPIRED',
  'SESSION_NOT_EXPIRED',
  'SESSION_NOT_FOUND',
  'SESSION_NOT_JOINABLE',
  'SESSION_NOT_RECORDED',
  'SESSION_PARTICIPANT_EXISTS',
  'SESSION_PROMPT_EXISTS',
  'SESSION_REVOKED',
  'SUPPORT_LINK_NOT_FOUND',
  'TOKEN_REUSED',
  'TOO_MANY_ATTEMPTS',
  'USER_DELETED',
  'USER_EMAIL_INVALID',
  'USER_EMAIL_UNVERIFIED',
  'USER_FORBIDDEN',
  'USER_NOT_FOUND',
  'USER_PASSWORD_REQUIRED',
  'USER_PROFILE_INVALID',
  'VALIDATION_FAILED',
  'WEAK_PASSWORD',
  'WRONG_CURRENT_PASSWORD',
] as const;

/** The password policy's reason codes (domain/shared/password-policy), each explained. */
export const PASSWORD_WEAKNESSES = ['too_short', 'too_long', 'single_class', 'contains_email', 'common_pattern'] as const;

const explained = new Set<string>(EXPLAINED_CODES);

/** Whether `errors.<code>` has a text of its own. */
export const isExplainedCode = (code: string): boolean => explained.has(code);
const weaknesses = new Set<string>(PASSWORD_WEAKNESSES);

/** A refused request, explained: the message for its code, the reasons of a weak password, the wait after 429. */
@Component({
  selector: 'app-problem-message',
  imports: [TranslatePipe],
  template: `
    @if (problem(); as p) {
      <div class="alert alert--error" role="alert" data-testid="problem" [attr.data-code]="p.code">
        @if (p.code === 'TOO_MANY_ATTEMPTS' && delay()) {
          {{ 'errors.TOO_MANY_ATTEMPTS_WAIT' | translate: { delay: delay() } }}
        } @else {
          {{ messageKey() | translate: { code: p.code, status: p.status } }}
        }
        @if (p.code === 'WEAK_PASSWORD' && reasons().length > 0) {
          <ul data-testid="weak-password-reasons">
            @for (reason of reasons(); track reason) {
              <li>{{ 'password.weakness.' + reason | translate }}</li>
            }
          </ul>
        }
      </div>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProblemMessage {
  private readonly dateTime = inject(DateTimeService);

  readonly problem = input<Problem | null>(null);
  /** Seconds still to wait after a 429, counted down by the page; the problem's own Retry-After otherwise. */
  readonly retrySeconds = input<number | null>(null);

  protected readonly messageKey = computed(() => {
    const problem = this.problem();
    if (!problem) return '';
    if (explained.has(problem.code)) return `errors.${problem.code}`;
    if (problem.status >= 500) return 'errors.server';
    return 'errors.unknown';
  });

  protected readonly delay = computed(() => {
    const seconds = this.retrySeconds() ?? this.problem()?.retryAfterSeconds;
    return seconds && seconds > 0 ? this.dateTime.formatDuration(seconds) : '';
  });

  protected readonly reasons = computed(() => (this.problem()?.reasons ?? []).filter((reason) => weaknesses.has(reason)));
}
