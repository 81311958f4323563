import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { ComputerStatusView } from '@contracts/computers.contracts';
import { TranslatePipe } from '@ngx-translate/core';

/** Online, Offline, Not installed, Disabled or Limited, translated, with a colour that is never the only clue. */
@Component({
  selector: 'app-status-badge',
  imports: [TranslatePipe],
  template: `<span class="badge" data-testid="computer-status" [attr.data-status]="status()">{{
    'computers.status.' + status() | translate
  }}</span>`,
  styles: `
    .badge {
      display: inline-flex;
      align-items: center;
      gap: 0.3rem;
      padding: 0.1rem 0.55rem;
      border-radius: 999px;
      font-size: 0.75rem;
      font-weight: 650;
      white-space: nowrap;
      background: var(--sb-neutral-bg);
      color: var(--sb-text-muted);
    }
    .badge::before {
      content: '';
      width: 0.45rem;
      height: 0.45rem;
      border-radius: 50%;
      background: currentColor;
    }
    .badge[data-status='online'] {
      background: var(--sb-ok-bg);
      color: var(--sb-ok-text);
    }
    .badge[data-status='limited'],
    .badge[data-status='not-installed'] {
      background: var(--sb-warning-bg);
      color: var(--sb-warning-text);
    }
    .badge[data-status='disabled'] {
      background: var(--sb-danger-bg);
      color: var(--sb-danger-text);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StatusBadge {
  readonly status = input.required<ComputerStatusView>();
}
