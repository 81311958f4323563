import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, computed, inject, output, signal } from '@angular/core';
import { TranslatePipe } from '@ngx-translate/core';

import { type Problem, problemOf } from '../auth/problem';
import { Modal } from '../computers/modal';
import { ProblemMessage } from '../shared/problem-message';
import { type ConnectionCodeIssued, SessionsApi } from './sessions-api';

/** "9:05" for a number of seconds left. */
export function countdown(seconds: number): string {
  const left = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

/** "123 456": six digits read out more easily over the phone. */
export const spacedCode = (code: string): string => (code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code);

/**
 * "Share a connection ID": a fresh 6-digit code the end-user types into the agent, shown big with
 * the time it has left; an expired one can be replaced by a new one.
 */
@Component({
  selector: 'app-connection-code-dialog',
  imports: [TranslatePipe, Modal, ProblemMessage],
  template: `
    <app-modal [title]="'sessions.code.title' | translate" testId="code-dialog" (closed)="closed.emit()">
      <p class="muted">{{ 'sessions.code.intro' | translate }}</p>
      @if (issued(); as code) {
        <p class="code" data-testid="code-digits" [attr.data-code]="code.code" [attr.data-session-id]="code.sessionId" [class.code--expired]="expired()">
          {{ spaced(code.code) }}
        </p>
        @if (expired()) {
          <p class="alert alert--warning" role="status" data-testid="code-expired">{{ 'sessions.code.expired' | translate }}</p>
        } @else {
          <p class="hint center" data-testid="code-countdown" [attr.data-seconds]="secondsLeft()">
            {{ 'sessions.code.expiresIn' | translate: { time: remaining() } }}
          </p>
        }
        <p class="hint">{{ 'sessions.code.command' | translate }}</p>
        <pre class="command" data-testid="code-command">switchboard-agent --code {{ code.code }} --server {{ origin }} --name &lt;name&gt;</pre>
      } @else if (!problem()) {
        <p class="muted">{{ 'form.loading' | translate }}</p>
      }
      <app-problem-message [problem]="problem()" />
      <div class="form-actions">
        <button type="button" class="button button--secondary" [disabled]="busy()" data-testid="code-new" (click)="issue()">{{ 'sessions.code.newCode' | translate }}</button>
        <button type="button" class="button button--primary" (click)="closed.emit()">{{ 'sessions.code.done' | translate }}</button>
      </div>
    </app-modal>
  `,
  styles: `
    .code {
      margin: 0.5rem 0;
      text-align: center;
      font-family: var(--sb-mono);
      font-size: 3rem;
      font-weight: 700;
      letter-spacing: 0.15em;
      color: var(--sb-accent);
    }
    .code--expired {
      color: var(--sb-text-muted);
      text-decoration: line-through;
    }
    .center {
      text-align: center;
    }
    .command {
      margin: 0;
      padding: 0.6rem;
      overflow-x: auto;
      border-radius: 6px;
      background: var(--sb-neutral-bg);
      font-family: var(--sb-mono);
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectionCodeDialog implements OnInit {
  private readonly api = inject(SessionsApi);
  readonly closed = output<void>();
  /** A code was issued: its session waits in the list. */
  readonly issuedCode = output<ConnectionCodeIssued>();

  protected readonly origin = inject(DOCUMENT).location.origin;
  protected readonly issued = signal<ConnectionCodeIssued | null>(null);
  protected readonly now = signal(Date.now());
  protected readonly busy = signal(false);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly secondsLeft = computed(() => {
    const code = this.issued();
    return code ? Math.max(0, Math.ceil((Date.parse(code.expiresAt) - this.now()) / 1000)) : 0;
  });
  protected readonly expired = computed(() => this.issued() !== null && this.secondsLeft() === 0);
  protected readonly remaining = computed(() => countdown(this.secondsLeft()));
  protected readonly spaced = spacedCode;

  constructor() {
    const timer = setInterval(() => this.now.set(Date.now()), 1_000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  ngOnInit(): Promise<void> {
    return this.issue();
  }

  protected async issue(): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.problem.set(null);
    try {
      const code = await this.api.issueCode();
      this.now.set(Date.now());
      this.issued.set(code);
      this.issuedCode.emit(code);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.busy.set(false);
    }
  }
}
