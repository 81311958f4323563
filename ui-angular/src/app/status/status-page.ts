import { formatNumber } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import type { ProjectionHealthView } from '@contracts/health.view';
import { TranslatePipe } from '@ngx-translate/core';

import { DateTimePipe } from '../date-time/date-time.pipe';
import { DateTimeService } from '../date-time/date-time.service';
import { LanguageService } from '../i18n/language.service';
import { HealthStore } from './health.store';

/** Live server health: stores, projections and their lag, for operators and for the browser tests. */
@Component({
  selector: 'app-status-page',
  imports: [TranslatePipe, DateTimePipe],
  providers: [HealthStore],
  templateUrl: './status-page.html',
  styleUrl: './status-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StatusPage {
  protected readonly store = inject(HealthStore);
  private readonly language = inject(LanguageService);
  private readonly dateTime = inject(DateTimeService);

  protected readonly health = this.store.health;
  protected readonly uptime = computed(() => {
    const health = this.health();
    return health ? this.dateTime.formatDuration(health.uptimeSeconds) : '';
  });

  protected number(value: number | undefined): string {
    return value === undefined ? '—' : formatNumber(value, this.language.current(), '1.0-0');
  }

  protected trackProjection(projection: ProjectionHealthView): string {
    return `${projection.name}@${projection.version}`;
  }
}
