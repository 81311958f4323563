import { ChangeDetectionStrategy, Component, OnInit, inject, input, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { ComputerRow } from '@contracts/computers-live.contracts';
import { TranslatePipe } from '@ngx-translate/core';

import { type Problem, problemOf } from '../auth/problem';
import { ProblemMessage } from '../shared/problem-message';
import { ComputersApi } from './computers-api';
import { Modal } from './modal';

/**
 * Shares a computer with another user of the account, by username (email), and lists the shares with a
 * revoke button each. An unknown user is the server's problem (USER_NOT_FOUND), explained.
 */
@Component({
  selector: 'app-share-computer-dialog',
  imports: [FormsModule, TranslatePipe, Modal, ProblemMessage],
  template: `
    <app-modal [title]="'computers.share.title' | translate: { name: computer().name }" testId="share-dialog" (closed)="closed.emit()">
      <p class="muted intro">{{ 'computers.share.intro' | translate }}</p>
      <form class="add" (ngSubmit)="share()" novalidate>
        <label class="visually-hidden" for="share-user">{{ 'computers.share.user' | translate }}</label>
        <input
          id="share-user"
          name="user"
          type="text"
          autocomplete="off"
          maxlength="254"
          [placeholder]="'computers.share.user' | translate"
          [ngModel]="user()"
          (ngModelChange)="user.set($event)"
          data-testid="share-user"
        />
        <button type="submit" class="button button--primary" [disabled]="busy() || !user().trim()" data-testid="share-add">{{ 'computers.share.add' | translate }}</button>
      </form>
      <app-problem-message [problem]="problem()" />
      <section>
        <h3>{{ 'computers.share.sharedWith' | translate }}</h3>
        @if (loading()) {
          <p class="muted">{{ 'form.loading' | translate }}</p>
        } @else if (shares().length === 0) {
          <p class="muted" data-testid="share-none">{{ 'computers.share.none' | translate }}</p>
        } @else {
          <ul class="shares">
            @for (share of shares(); track share) {
              <li data-testid="share-entry" [attr.data-user]="share">
                <span class="mono">{{ share }}</span>
                <button type="button" class="button button--secondary" [disabled]="busy()" data-testid="share-revoke" (click)="revoke(share)">
                  {{ 'computers.share.revoke' | translate }}
                </button>
              </li>
            }
          </ul>
        }
      </section>
    </app-modal>
  `,
  styles: `
    .intro {
      margin: 0;
    }
    .add {
      display: flex;
      gap: 0.5rem;
    }
    .add input {
      flex: 1;
      padding: 0.5rem 0.65rem;
      border: 1px solid var(--sb-border);
      border-radius: 6px;
      font: inherit;
    }
    h3 {
      margin: 0 0 0.4rem;
      font-size: 0.95rem;
    }
    .shares {
      margin: 0;
      padding: 0;
      list-style: none;
      display: grid;
      gap: 0.35rem;
    }
    .shares li {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
    }
    .shares .button {
      padding: 0.25rem 0.6rem;
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShareComputerDialog implements OnInit {
  private readonly api = inject(ComputersApi);
  readonly computer = input.required<ComputerRow>();
  readonly closed = output<void>();
  readonly changed = output<string>();

  protected readonly user = signal('');
  protected readonly shares = signal<readonly string[]>([]);
  protected readonly loading = signal(true);
  protected readonly busy = signal(false);
  protected readonly problem = signal<Problem | null>(null);

  ngOnInit(): Promise<void> {
    return this.load();
  }

  protected async share(): Promise<void> {
    const user = this.user().trim();
    if (!user) return;
    if (await this.run(() => this.api.share(this.computer().id, user))) this.user.set('');
  }

  protected revoke(user: string): Promise<boolean> {
    return this.run(() => this.api.unshare(this.computer().id, user));
  }

  private async run(command: () => Promise<{ position: string }>): Promise<boolean> {
    this.busy.set(true);
    this.problem.set(null);
    try {
      const { position } = await command();
      this.changed.emit(position);
      await this.load(position);
      return true;
    } catch (error) {
      this.problem.set(problemOf(error));
      return false;
    } finally {
      this.busy.set(false);
    }
  }

  private async load(minPosition?: string): Promise<void> {
    try {
      const details = await this.api.details(this.computer().id, minPosition);
      this.shares.set(details.sharedWith);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.loading.set(false);
    }
  }
}
