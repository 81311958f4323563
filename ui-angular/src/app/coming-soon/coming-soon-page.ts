import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { TranslatePipe } from '@ngx-translate/core';

/** Placeholder for menu entries whose feature has not landed yet; `titleKey` comes from the route data. */
@Component({
  selector: 'app-coming-soon-page',
  imports: [TranslatePipe],
  template: `
    <h1>{{ titleKey() | translate }}</h1>
    <div class="card placeholder" data-testid="coming-soon">
      <h2>{{ 'comingSoon.title' | translate }}</h2>
      <p>{{ 'comingSoon.body' | translate }}</p>
    </div>
  `,
  styles: `
    .placeholder {
      max-width: 36rem;
      text-align: center;
      padding: 2.5rem 2rem;
    }
    h2 {
      margin-top: 0;
      color: var(--sb-accent);
    }
    p {
      margin-bottom: 0;
      color: var(--sb-text-muted);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComingSoonPage {
  readonly titleKey = input.required<string>();
}
