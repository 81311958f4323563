import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { TranslatePipe } from '@ngx-translate/core';

import { type Problem, problemOf } from '../auth/problem';
import { COMPUTERS_URL, PLATFORMS } from '../computers/computers-api';
import { DateTimePipe } from '../date-time/date-time.pipe';
import { copyText } from '../shared/clipboard';
import { ProblemMessage } from '../shared/problem-message';
import { shellQuote } from '../shared/shell-quote';
import { type SupportLinkView, SessionsApi } from '../sessions/sessions-api';

/** The command the end-user runs: the agent joins the link's session under their name. */
export function supportCommand(pageUrl: string, name: string): string {
  return `switchboard-agent --support-link ${shellQuote(pageUrl)} --name ${shellQuote(name.trim() || 'me')}`;
}

/**
 * Where a technician's support link lands (`/support/<token>?ticket=…&name=…`, or the short `/s/<token>`),
 * for the end-user, who is not signed in: who is helping, the ticket, and how to let them in — download
 * the agent, run it with this page's address.
 */
@Component({
  selector: 'app-support-page',
  imports: [TranslatePipe, DateTimePipe, ProblemMessage],
  template: `
    <section class="card support" data-testid="support-page">
      <h1>{{ 'support.title' | translate }}</h1>
      @if (view(); as link) {
        @if (link.state === 'open') {
          <p class="lead" data-testid="support-technician">{{ 'support.helper' | translate: { name: link.technicianName } }}</p>
          @if (link.ticket) {
            <p class="muted" data-testid="support-ticket">{{ 'sessions.ticket' | translate: { ticket: link.ticket } }}</p>
          }
          <ol class="steps">
            <li>
              <p>{{ 'support.download' | translate }}</p>
              <div class="downloads">
                @for (platform of platforms; track platform) {
                  <a class="button button--secondary" [href]="downloadUrl(platform)" download [attr.data-testid]="'support-download-' + platform">
                    {{ 'computers.os.' + platform | translate }}
                  </a>
                }
              </div>
            </li>
            <li>
              <div class="field">
                <label for="support-name">{{ 'support.yourName' | translate }}</label>
                <input id="support-name" maxlength="64" [value]="name()" (input)="name.set($any($event.target).value)" data-testid="support-name" />
              </div>
              <p>{{ 'support.run' | translate }}</p>
              <div class="copy-row">
                <textarea readonly rows="2" data-copy="support-command" data-testid="support-command" [attr.aria-label]="'support.run' | translate">{{ command() }}</textarea>
                <button type="button" class="button button--primary" data-testid="support-copy" (click)="copy()">{{ 'computers.add.copy' | translate }}</button>
              </div>
              @if (copied()) {
                <p class="hint copied" role="status">{{ 'computers.add.copied' | translate }}</p>
              }
            </li>
            <li>{{ 'support.wait' | translate }}</li>
          </ol>
          <p class="hint" data-testid="support-expiry">{{ 'support.validUntil' | translate: { date: (link.expiresAt | dateTime) } }}</p>
        } @else {
          <p class="alert alert--warning" role="status" data-testid="support-closed" [attr.data-state]="link.state">{{ 'support.state.' + link.state | translate }}</p>
        }
      } @else if (notFound()) {
        <p class="alert alert--error" role="alert" data-testid="support-not-found">{{ 'support.notFound' | translate }}</p>
      } @else if (!problem()) {
        <p class="muted">{{ 'form.loading' | translate }}</p>
      }
      @if (!notFound()) {
        <app-problem-message [problem]="problem()" />
      }
    </section>
  `,
  styles: `
    .support {
      width: min(40rem, 100%);
      display: grid;
      gap: 0.6rem;
    }
    .lead {
      margin: 0;
      font-size: 1.1rem;
      font-weight: 600;
    }
    .steps {
      display: grid;
      gap: 1rem;
      padding-left: 1.2rem;
    }
    .downloads {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    .copy-row {
      display: flex;
      gap: 0.5rem;
    }
    .copy-row textarea {
      flex: 1;
      min-width: 0;
      padding: 0.45rem 0.6rem;
      border: 1px solid var(--sb-border);
      border-radius: 6px;
      font-family: var(--sb-mono);
      font-size: 0.85rem;
      resize: vertical;
    }
    .copied {
      color: var(--sb-ok-text);
      font-weight: 600;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SupportPage {
  private readonly api = inject(SessionsApi);
  private readonly document = inject(DOCUMENT);

  /** The link's token, from the route (`/support/:token` or `/s/:token`). */
  readonly token = input.required<string>();
  /** The end-user's name the technician put in the link (`?name=`), when the server does not say it. */
  readonly nameParam = input<string | undefined>(undefined, { alias: 'name' });

  protected readonly platforms = PLATFORMS;
  protected readonly view = signal<SupportLinkView | null>(null);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly notFound = computed(() => this.problem()?.status === 404);
  protected readonly name = signal('');
  protected readonly copied = signal(false);
  protected readonly command = computed(() => supportCommand(this.document.location.href, this.name()));

  constructor() {
    // The router reuses the page from one link to another: each token is read afresh.
    effect(() => {
      const token = this.token();
      untracked(() => void this.load(token));
    });
  }

  private async load(token: string): Promise<void> {
    this.view.set(null);
    this.problem.set(null);
    this.name.set(this.nameParam() ?? '');
    try {
      const view = await this.api.supportLink(token);
      if (token !== this.token()) return;
      this.view.set(view);
      if (view.endUserName && !this.name()) this.name.set(view.endUserName);
    } catch (error) {
      if (token === this.token()) this.problem.set(problemOf(error));
    }
  }

  /** The plain agent: the support link in the command is what joins it to the session. */
  protected downloadUrl(platform: string): string {
    return `${COMPUTERS_URL}/downloads/${platform}`;
  }

  protected async copy(): Promise<void> {
    const field = this.document.querySelector<HTMLTextAreaElement>('[data-copy="support-command"]');
    this.copied.set(await copyText(this.document, this.command(), field));
  }
}
