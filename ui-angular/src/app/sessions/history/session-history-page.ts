import { DOCUMENT } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, OnInit, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { COMPUTER_PAGE_MAX } from '@contracts/computers.contracts';
import type { SessionRow } from '@contracts/session-history.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';

import { AuthService } from '../../auth/auth.service';
import { type Problem, problemOf } from '../../auth/problem';
import { ComputersApi } from '../../computers/computers-api';
import { DateTimePipe } from '../../date-time/date-time.pipe';
import { DateTimeService } from '../../date-time/date-time.service';
import { ProblemMessage } from '../../shared/problem-message';
import { fileNameOf, saveBlob } from '../../shared/save-blob';
import { END_REASONS, SESSION_SOURCES, SessionsApi } from '../sessions-api';
import { sessionTarget } from '../session-summary';
import { HISTORY_PAGE_SIZE, type HistoryFilters, NO_HISTORY_FILTERS, historyCsvUrl, historyParams } from './history-query';

interface Option {
  readonly id: string;
  readonly name: string;
}

/**
 * Session history: sessions on the account's computers and by its users, newest first, filtered by
 * computer, period, technician and source, older pages on demand (the server's range cursor), the
 * same filter as CSV, Terminate on active sessions and Replay on recorded ones.
 */
@Component({
  selector: 'app-session-history-page',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, DateTimePipe, ProblemMessage],
  templateUrl: './session-history-page.html',
  styleUrls: ['../../shared/table-page.css', './session-history-page.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionHistoryPage implements OnInit {
  private readonly api = inject(SessionsApi);
  private readonly computersApi = inject(ComputersApi);
  private readonly auth = inject(AuthService);
  private readonly http = inject(HttpClient);
  private readonly dateTime = inject(DateTimeService);
  private readonly document = inject(DOCUMENT);
  /** Bumped by every new listing, so that an answer to an older one is dropped. */
  private generation = 0;

  protected readonly sources = SESSION_SOURCES;
  protected readonly form = inject(NonNullableFormBuilder).group({ ...NO_HISTORY_FILTERS });
  protected readonly applied = signal<HistoryFilters>(NO_HISTORY_FILTERS);
  protected readonly rows = signal<readonly SessionRow[]>([]);
  protected readonly next = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly computers = signal<readonly Option[]>([]);
  /** Technicians to filter by: the user, and everyone seen in the sessions listed so far. */
  private readonly seenTechnicians = signal<readonly Option[]>([]);
  protected readonly technicians = computed(() => {
    const me = this.auth.me();
    const options = new Map<string, string>();
    if (me) options.set(me.id, this.meName());
    for (const technician of this.seenTechnicians()) if (!options.has(technician.id)) options.set(technician.id, technician.name);
    return [...options].map(([id, name]) => ({ id, name }));
  });
  protected readonly csvUrl = computed(() => historyCsvUrl(this.applied(), this.dateTime.timeZone()));
  protected readonly timeZone = this.dateTime.timeZone;
  protected readonly target = sessionTarget;

  ngOnInit(): Promise<void> {
    void this.loadComputers();
    return this.load(true);
  }

  protected apply(): Promise<void> {
    this.applied.set(this.form.getRawValue());
    return this.load(true);
  }

  protected clear(): Promise<void> {
    this.form.reset({ ...NO_HISTORY_FILTERS });
    return this.apply();
  }

  protected loadMore(): Promise<void> {
    return this.load(false);
  }

  protected duration(row: SessionRow): string {
    return row.durationSeconds === null ? '' : this.dateTime.formatDuration(row.durationSeconds);
  }

  protected technicianNames(row: SessionRow): string {
    return row.technicians.map((t) => t.displayName).join(', ');
  }

  protected endReasonKey(row: SessionRow): string | null {
    return row.endReason && END_REASONS.includes(row.endReason) ? `sessions.endReason.${row.endReason}` : null;
  }

  protected async terminate(row: SessionRow): Promise<void> {
    this.problem.set(null);
    try {
      await this.api.terminate(row.id);
      this.rows.update((rows) => rows.map((r) => (r.id === row.id ? { ...r, status: 'ended' as const } : r)));
    } catch (error) {
      this.problem.set(problemOf(error));
    }
  }

  /** The CSV route needs the bearer token, which a plain link cannot carry: fetch it, then save it. */
  protected async downloadCsv(event: Event): Promise<void> {
    event.preventDefault();
    try {
      const response = await firstValueFrom(this.http.get(this.csvUrl(), { responseType: 'blob', observe: 'response' }));
      if (response.body) saveBlob(this.document, response.body, fileNameOf(response.headers.get('Content-Disposition'), 'sessions.csv'));
    } catch (error) {
      this.problem.set(problemOf(error));
    }
  }

  private async load(reset: boolean): Promise<void> {
    const generation = reset ? ++this.generation : this.generation;
    const cursor = this.next();
    if (!reset && !cursor) return;
    this.loading.set(true);
    this.problem.set(null);
    try {
      const page = await this.api.history({
        ...historyParams(this.applied(), this.dateTime.timeZone()),
        limit: HISTORY_PAGE_SIZE,
        ...(!reset && cursor ? { after: cursor } : {}),
      });
      if (generation !== this.generation) return;
      this.rows.update((shown) => (reset ? page.items : [...shown, ...page.items]));
      this.next.set(page.next);
      this.remember(page.items);
    } catch (error) {
      if (generation !== this.generation) return;
      if (reset) this.rows.set([]);
      this.problem.set(problemOf(error));
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }

  private remember(rows: readonly SessionRow[]): void {
    const known = new Map(this.seenTechnicians().map((t) => [t.id, t.name]));
    for (const row of rows) for (const t of row.technicians) if (!known.has(t.userId)) known.set(t.userId, t.displayName);
    this.seenTechnicians.set([...known].map(([id, name]) => ({ id, name })));
  }

  private async loadComputers(): Promise<void> {
    try {
      const page = await firstValueFrom(this.computersApi.list({ sort: 'name', direction: 'asc', limit: COMPUTER_PAGE_MAX }));
      const rows = [...(page.demo ? [page.demo] : []), ...page.favourites, ...page.items];
      const unique = new Map(rows.map((row) => [row.id, row.name]));
      this.computers.set([...unique].map(([id, name]) => ({ id, name })));
    } catch {
      // Without the list the filter offers "all computers" only.
    }
  }

  private meName(): string {
    const me = this.auth.me();
    const name = me?.profile ? `${me.profile.firstName} ${me.profile.lastName}`.trim() : '';
    return name || me?.email || '';
  }
}
