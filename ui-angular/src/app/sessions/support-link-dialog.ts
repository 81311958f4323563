import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { TranslatePipe } from '@ngx-translate/core';

import { type Problem, problemOf } from '../auth/problem';
import { Modal } from '../computers/modal';
import { DateTimePipe } from '../date-time/date-time.pipe';
import { copyText } from '../shared/clipboard';
import { ProblemMessage } from '../shared/problem-message';
import { type SupportLinkCreated, type SupportLinkRequest, SessionsApi } from './sessions-api';

/** The server's limits on what a link carries. */
export const LINK_TEXT_MAX = 64;

/** The form as a request: blank fields are left out, the email only when given. */
export function linkRequest(form: { ticket: string; endUserName: string; shorten: boolean; email: string }): SupportLinkRequest {
  const ticket = form.ticket.trim();
  const endUserName = form.endUserName.trim();
  const email = form.email.trim();
  return {
    ...(ticket ? { ticket } : {}),
    ...(endUserName ? { endUserName } : {}),
    shorten: form.shorten,
    ...(email ? { email } : {}),
  };
}

/**
 * "Send a link": a personal support link for one session, customised with a ticket number and the
 * end-user's name, shortened on request, sent by email or copied. Each link made is a new session.
 */
@Component({
  selector: 'app-support-link-dialog',
  imports: [ReactiveFormsModule, TranslatePipe, DateTimePipe, Modal, ProblemMessage],
  template: `
    <app-modal [title]="'sessions.link.title' | translate" testId="link-dialog" (closed)="closed.emit()">
      <p class="muted">{{ 'sessions.link.intro' | translate }}</p>
      <form class="form" [formGroup]="form" (ngSubmit)="create()" novalidate>
        <div class="row">
          <div class="field">
            <label for="link-ticket">{{ 'sessions.link.ticket' | translate }} <span class="optional">{{ 'form.optional' | translate }}</span></label>
            <input id="link-ticket" formControlName="ticket" [maxlength]="max" data-testid="link-ticket" />
          </div>
          <div class="field">
            <label for="link-name">{{ 'sessions.link.endUserName' | translate }} <span class="optional">{{ 'form.optional' | translate }}</span></label>
            <input id="link-name" formControlName="endUserName" [maxlength]="max" data-testid="link-name" />
          </div>
        </div>
        <div class="field">
          <label for="link-email">{{ 'sessions.link.email' | translate }} <span class="optional">{{ 'form.optional' | translate }}</span></label>
          <input id="link-email" type="email" formControlName="email" data-testid="link-email" [attr.aria-invalid]="form.controls.email.invalid && form.controls.email.touched" />
          @if (form.controls.email.invalid && form.controls.email.touched) {
            <p class="field-error">{{ 'form.invalidEmail' | translate }}</p>
          }
        </div>
        <label class="check">
          <input type="checkbox" formControlName="shorten" data-testid="link-shorten" />
          <span>{{ 'sessions.link.shorten' | translate }}</span>
        </label>
        <app-problem-message [problem]="problem()" />
        <div class="form-actions">
          <button type="submit" class="button button--primary" [disabled]="busy()" data-testid="link-create">
            {{ (created() ? 'sessions.link.createAnother' : 'sessions.link.create') | translate }}
          </button>
        </div>
      </form>
      @if (created(); as link) {
        <section class="result" data-testid="link-result" [attr.data-session-id]="link.sessionId">
          <div class="copy-row">
            <input readonly [value]="shown(link)" data-copy="support-link" data-testid="link-url" [attr.aria-label]="'sessions.link.url' | translate" />
            <button type="button" class="button button--secondary" data-testid="link-copy" (click)="copy(link)">{{ 'computers.add.copy' | translate }}</button>
          </div>
          <p class="hint" data-testid="link-expiry">
            {{ 'sessions.link.expires' | translate: { date: (link.expiresAt | dateTime) } }}
            @if (copied()) {
              <span class="copied" role="status">{{ 'computers.add.copied' | translate }}</span>
            }
          </p>
          @if (link.emailed) {
            <p class="alert alert--success" role="status" data-testid="link-emailed">{{ 'sessions.link.emailed' | translate: { email: emailedTo() } }}</p>
          }
        </section>
      }
    </app-modal>
  `,
  styles: `
    .row {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
      gap: 0.9rem;
    }
    .result {
      display: grid;
      gap: 0.4rem;
      padding-top: 0.8rem;
      border-top: 1px solid var(--sb-border);
    }
    .copy-row {
      display: flex;
      gap: 0.5rem;
    }
    .copy-row input {
      flex: 1;
      min-width: 0;
      padding: 0.45rem 0.6rem;
      border: 1px solid var(--sb-border);
      border-radius: 6px;
      font-family: var(--sb-mono);
      font-size: 0.85rem;
    }
    .copied {
      margin-left: 0.5rem;
      color: var(--sb-ok-text);
      font-weight: 600;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SupportLinkDialog {
  private readonly api = inject(SessionsApi);
  private readonly document = inject(DOCUMENT);
  readonly closed = output<void>();
  /** A link was made: the list shows its session as waiting. */
  readonly linkCreated = output<SupportLinkCreated>();

  protected readonly max = LINK_TEXT_MAX;
  protected readonly form = inject(NonNullableFormBuilder).group({
    ticket: ['', Validators.maxLength(LINK_TEXT_MAX)],
    endUserName: ['', Validators.maxLength(LINK_TEXT_MAX)],
    shorten: [false],
    email: ['', Validators.email],
  });
  protected readonly created = signal<SupportLinkCreated | null>(null);
  protected readonly emailedTo = signal('');
  protected readonly busy = signal(false);
  protected readonly copied = signal(false);
  protected readonly problem = signal<Problem | null>(null);

  protected shown(link: SupportLinkCreated): string {
    return link.shortUrl ?? link.url;
  }

  protected async create(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    this.busy.set(true);
    this.problem.set(null);
    try {
      const request = linkRequest(this.form.getRawValue());
      const link = await this.api.createLink(request);
      this.created.set(link);
      this.emailedTo.set(request.email ?? '');
      this.copied.set(false);
      this.linkCreated.emit(link);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async copy(link: SupportLinkCreated): Promise<void> {
    const field = this.document.querySelector<HTMLInputElement>('[data-copy="support-link"]');
    this.copied.set(await copyText(this.document, this.shown(link), field));
  }
}
