import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { HealthView } from '@contracts/health.view';
import { EMPTY, Observable, catchError, distinctUntilChanged, interval, map, merge, of, switchMap, tap } from 'rxjs';

import { ConsoleSocketService } from '../console-link/console-socket.service';

export const HEALTH_URL = '/health';
/** While the live link is down the page still refreshes, at the same pace as the product's list fallback. */
export const HEALTH_POLL_MS = 30_000;

export type OverallStatus = HealthView['status'] | 'unknown';

/** `/health` answers 503 with the same body when degraded: that body is an answer, not a failure. */
function isHealthView(body: unknown): body is HealthView {
  if (typeof body !== 'object' || body === null) return false;
  const view = body as Partial<HealthView>;
  return typeof view.status === 'string' && typeof view.checkedAt === 'string' && Array.isArray(view.projections);
}

/**
 * Server health for the status page: one HTTP read at start, then pushes on the console link; while the
 * link is not open, a poll every 30 s. Provided by the page, so it all stops when the page is left.
 */
@Injectable()
export class HealthStore {
  private readonly http = inject(HttpClient);
  private readonly socket = inject(ConsoleSocketService);
  private readonly latest = signal<HealthView | null>(null);
  private readonly reachable = signal(true);

  readonly health = this.latest.asReadonly();
  /** False after an HTTP read that got no health answer at all (server down or network gone). */
  readonly serverReachable = this.reachable.asReadonly();
  readonly live = computed(() => this.socket.state() === 'open');
  readonly status = computed<OverallStatus>(() => {
    if (!this.reachable() && !this.live()) return 'down';
    return this.latest()?.status ?? 'unknown';
  });

  constructor() {
    const release = this.socket.watch(['health']);
    inject(DestroyRef).onDestroy(release);

    const pushed = this.socket.on('health');
    const polled = this.socket.state$.pipe(
      map((state) => state === 'open'),
      distinctUntilChanged(),
      switchMap((open) => (open ? EMPTY : interval(HEALTH_POLL_MS).pipe(switchMap(() => this.fetch())))),
    );
    merge(this.fetch(), pushed.pipe(tap(() => this.reachable.set(true))), polled)
      .pipe(takeUntilDestroyed())
      .subscribe((view) => this.accept(view));
  }

  private fetch(): Observable<HealthView> {
    return this.http.get<HealthView>(HEALTH_URL).pipe(
      tap(() => this.reachable.set(true)),
      catchError((error: unknown) => {
        if (error instanceof HttpErrorResponse && isHealthView(error.error)) {
          this.reachable.set(true);
          return of(error.error);
        }
        this.reachable.set(false);
        return EMPTY;
      }),
    );
  }

  /** An HTTP answer can land after a newer push; the newest check wins. */
  private accept(view: HealthView): void {
    const current = this.latest();
    if (current && Date.parse(view.checkedAt) < Date.parse(current.checkedAt)) return;
    this.latest.set(view);
  }
}
