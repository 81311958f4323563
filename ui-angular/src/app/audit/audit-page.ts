import { DOCUMENT } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, OnInit, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import type { AuditEntryView, AuditPage as AuditPageView } from '@contracts/auth.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';

import { type Problem, problemOf } from '../auth/problem';
import { DateTimePipe } from '../date-time/date-time.pipe';
import { DateTimeService } from '../date-time/date-time.service';
import { ProblemMessage } from '../shared/problem-message';
import { saveBlob } from '../shared/save-blob';
import { AUDIT_PAGE_SIZE, AUDIT_URL, type AuditFilters, NO_AUDIT_FILTERS, auditCsvUrl, auditParams, csvFileName } from './audit-query';

const ACTOR_KINDS = new Set(['user', 'agent', 'system', 'customer', 'operator']);

/**
 * The account's audit log: newest first, filtered by actor, type, aggregate and period, older pages
 * on demand (the server's cursor keeps pages stable while events arrive), and the same filter as CSV.
 */
@Component({
  selector: 'app-audit-page',
  imports: [ReactiveFormsModule, TranslatePipe, DateTimePipe, ProblemMessage],
  templateUrl: './audit-page.html',
  styleUrl: '../shared/table-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditPage implements OnInit {
  private readonly http = inject(HttpClient);
  private readonly dateTime = inject(DateTimeService);
  private readonly document = inject(DOCUMENT);
  /** Bumped by every new listing, so that an answer to an older one is dropped. */
  private generation = 0;

  protected readonly form = inject(NonNullableFormBuilder).group({ ...NO_AUDIT_FILTERS });
  protected readonly applied = signal<AuditFilters>(NO_AUDIT_FILTERS);
  protected readonly entries = signal<readonly AuditEntryView[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly forbidden = computed(() => this.problem()?.status === 403);
  protected readonly csvUrl = computed(() => auditCsvUrl(this.applied(), this.dateTime.timeZone()));
  protected readonly timeZone = this.dateTime.timeZone;

  ngOnInit(): Promise<void> {
    return this.load(true);
  }

  protected apply(): Promise<void> {
    this.applied.set(this.form.getRawValue());
    return this.load(true);
  }

  protected clear(): Promise<void> {
    this.form.reset({ ...NO_AUDIT_FILTERS });
    return this.apply();
  }

  protected loadMore(): Promise<void> {
    return this.load(false);
  }

  protected actorKindKey(kind: string): string | null {
    return ACTOR_KINDS.has(kind) ? `audit.actorKind.${kind}` : null;
  }

  /** The CSV route needs the bearer token, which a plain link cannot carry: fetch it, then save it. */
  protected async downloadCsv(event: Event): Promise<void> {
    event.preventDefault();
    try {
      const response = await firstValueFrom(this.http.get(this.csvUrl(), { responseType: 'blob', observe: 'response' }));
      if (response.body) saveBlob(this.document, response.body, csvFileName(response.headers.get('Content-Disposition')));
    } catch (error) {
      this.problem.set(problemOf(error));
    }
  }

  private async load(reset: boolean): Promise<void> {
    const generation = reset ? ++this.generation : this.generation;
    const cursor = this.nextCursor();
    if (!reset && !cursor) return;
    this.loading.set(true);
    this.problem.set(null);
    const params: Record<string, string> = {
      ...auditParams(this.applied(), this.dateTime.timeZone()),
      limit: String(AUDIT_PAGE_SIZE),
      ...(!reset && cursor ? { before: cursor } : {}),
    };
    try {
      const page = await firstValueFrom(this.http.get<AuditPageView>(AUDIT_URL, { params }));
      if (generation !== this.generation) return;
      this.entries.update((shown) => (reset ? page.entries : [...shown, ...page.entries]));
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      if (generation !== this.generation) return;
      if (reset) this.entries.set([]);
      this.problem.set(problemOf(error));
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }
}
