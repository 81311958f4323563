import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { SessionRow } from '@contracts/session-history.contracts';
import { TranslatePipe } from '@ngx-translate/core';

/** Who a session is with: the computer, or the end-users who came (present ones first) and the name the link was made for. */
export function sessionTarget(row: SessionRow): { computer: string | null; endUsers: string[] } {
  const present = row.endUsers.filter((user) => user.present).map((user) => user.name);
  const endUsers = present.length > 0 ? present : row.endUserName ? [row.endUserName] : [];
  return { computer: row.computerName, endUsers };
}

/** A session in a line: source, computer or end-users, ticket, and the technicians in it. */
@Component({
  selector: 'app-session-summary',
  imports: [TranslatePipe],
  template: `
    @let r = row();
    <span class="pill" data-testid="session-source" [attr.data-source]="r.source">{{ 'sessions.source.' + r.source | translate }}</span>
    <strong data-testid="session-target">
      @if (target().computer; as computer) {
        {{ computer }}
      } @else if (target().endUsers.length > 0) {
        {{ target().endUsers.join(', ') }}
      } @else {
        <span class="muted">{{ 'sessions.noEndUserYet' | translate }}</span>
      }
    </strong>
    @if (r.ticket) {
      <span class="muted" data-testid="session-ticket">{{ 'sessions.ticket' | translate: { ticket: r.ticket } }}</span>
    }
    @if (r.technicians.length > 0) {
      <span class="muted" data-testid="session-technicians">{{ 'sessions.with' | translate: { names: technicians() } }}</span>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.45rem;
    }
    .pill {
      padding: 0.05rem 0.5rem;
      border-radius: 999px;
      font-size: 0.75rem;
      font-weight: 600;
      background: var(--sb-accent-bg);
      color: var(--sb-accent);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionSummary {
  readonly row = input.required<SessionRow>();
  protected readonly target = computed(() => sessionTarget(this.row()));
  protected readonly technicians = computed(() => this.row().technicians.map((t) => t.displayName).join(', '));
}
