import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, OnInit, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router } from '@angular/router';
import type { SessionRow } from '@contracts/session-history.contracts';
import { TranslatePipe } from '@ngx-translate/core';
import { type Subscription, debounceTime, filter, pairwise, startWith } from 'rxjs';

import { AuthService } from '../auth/auth.service';
import { type Problem, problemOf } from '../auth/problem';
import { ConsoleSocketService } from '../console-link/console-socket.service';
import { DateTimePipe } from '../date-time/date-time.pipe';
import { ProblemMessage } from '../shared/problem-message';
import { ConnectionCodeDialog } from './connection-code-dialog';
import { SESSION_AUTO_REFRESH_MS, SESSION_LIVE_DEBOUNCE_MS, isSessionHistoryNotice } from './session-notices';
import { type SessionScope, SessionsApi } from './sessions-api';
import { SessionSummary } from './session-summary';
import { SupportLinkDialog } from './support-link-dialog';

export const SHOW_ALL_STORAGE_KEY = 'switchboard.sessions.showAll';

/** Owners and administrators may see colleagues' sessions and change the account's recording setting. */
const MANAGERS = new Set(['owner', 'admin']);

/**
 * The technician's sessions: available connections (end-users who came by a link or a code, computers
 * waiting for their agent) and active sessions, each with Connect and Terminate; "Send a link" and
 * "Share a connection ID" start new ones. The list follows live notices of the sessions read model;
 * a 30-second refresh is the fallback.
 */
@Component({
  selector: 'app-sessions-page',
  imports: [NgTemplateOutlet, TranslatePipe, DateTimePipe, ProblemMessage, SupportLinkDialog, ConnectionCodeDialog, SessionSummary],
  templateUrl: './sessions-page.html',
  styleUrl: './sessions-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionsPage implements OnInit {
  private readonly api = inject(SessionsApi);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly socket = inject(ConsoleSocketService);
  private readonly destroyRef = inject(DestroyRef);
  private inflight: Subscription | null = null;

  protected readonly canManage = computed(() => MANAGERS.has(this.auth.me()?.role ?? ''));
  protected readonly showAll = signal(readShowAll());
  protected readonly scope = computed<SessionScope>(() => (this.showAll() && this.canManage() ? 'all' : 'mine'));
  protected readonly items = signal<readonly SessionRow[]>([]);
  protected readonly loaded = signal(false);
  protected readonly waiting = computed(() => this.items().filter((row) => row.status === 'waiting'));
  protected readonly active = computed(() => this.items().filter((row) => row.status === 'active'));
  protected readonly live = computed(() => this.socket.state() === 'open');
  protected readonly dialog = signal<'link' | 'code' | null>(null);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly busy = signal<string | null>(null);
  /** The account's recording setting; null until known (or when the server does not say). */
  protected readonly recording = signal<boolean | null>(null);

  constructor() {
    this.destroyRef.onDestroy(this.socket.watch(['read-models']));
    this.socket
      .on('readModelUpdated')
      .pipe(filter(isSessionHistoryNotice), debounceTime(SESSION_LIVE_DEBOUNCE_MS), takeUntilDestroyed())
      .subscribe(() => this.load());
    // Notices sent while the link was down are lost: catch up when it opens again.
    this.socket.state$.pipe(startWith(this.socket.state()), pairwise(), takeUntilDestroyed()).subscribe(([before, now]) => {
      if (now === 'open' && before === 'closed') this.load();
    });
    const timer = setInterval(() => this.load(), SESSION_AUTO_REFRESH_MS);
    this.destroyRef.onDestroy(() => {
      clearInterval(timer);
      this.inflight?.unsubscribe();
    });
  }

  ngOnInit(): void {
    this.load();
    if (this.canManage()) void this.loadRecording();
  }

  protected setShowAll(on: boolean): void {
    this.showAll.set(on);
    try {
      localStorage.setItem(SHOW_ALL_STORAGE_KEY, on ? 'on' : 'off');
    } catch {
      // Storage refused: the choice lasts for this visit.
    }
    this.load();
  }

  protected connect(row: SessionRow): Promise<boolean> {
    return this.router.navigate(['/sessions', row.id]);
  }

  protected async terminate(row: SessionRow): Promise<void> {
    if (this.busy()) return;
    this.busy.set(row.id);
    this.problem.set(null);
    try {
      await this.api.terminate(row.id);
      this.items.update((rows) => rows.filter((r) => r.id !== row.id));
      this.load();
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.busy.set(null);
    }
  }

  protected async setRecording(enabled: boolean): Promise<void> {
    this.problem.set(null);
    try {
      await this.api.setRecording(enabled);
      this.recording.set(enabled);
    } catch (error) {
      this.problem.set(problemOf(error));
    }
  }

  /** A new link or code: its session is in the list at the next notice; asking now shows it at once. */
  protected started(): void {
    this.load();
  }

  protected load(): void {
    this.inflight?.unsubscribe();
    this.inflight = this.api.available(this.scope()).subscribe({
      next: (page) => {
        this.inflight = null;
        this.items.set(page.items);
        this.loaded.set(true);
      },
      error: (error: unknown) => {
        this.inflight = null;
        this.loaded.set(true);
        this.problem.set(problemOf(error));
      },
    });
  }

  private async loadRecording(): Promise<void> {
    const accountId = this.auth.me()?.accountId;
    if (!accountId) return;
    try {
      this.recording.set(await this.api.recordingSetting(accountId));
    } catch {
      // The setting stays unknown; the switch still sets it.
    }
  }
}

function readShowAll(): boolean {
  try {
    return localStorage.getItem(SHOW_ALL_STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}
