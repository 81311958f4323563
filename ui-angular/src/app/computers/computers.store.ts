import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { ComputerListResponse, ComputerRow } from '@contracts/computers-live.contracts';
import {
  COMPUTER_PAGE_DEFAULT,
  COMPUTER_PAGE_MAX,
  type ComputerGroupView,
  type ListComputersOptions,
} from '@contracts/computers.contracts';
import { Subject, Subscription, debounceTime, distinctUntilChanged, filter, pairwise, startWith } from 'rxjs';

import { type Problem, problemOf } from '../auth/problem';
import { ConsoleSocketService } from '../console-link/console-socket.service';
import { ComputersApi } from './computers-api';
import {
  ALL,
  type ComputerQuery,
  type ComputerView,
  GROUPINGS,
  type GroupFilter,
  SORTS,
  defaultDirection,
  sectionsOf,
} from './computer-list.model';

/** Typing waits this long for a pause before the server is asked. */
export const SEARCH_DEBOUNCE_MS = 300;
/** Notices come in bursts (a move touches several documents): one refresh per burst. */
export const LIVE_DEBOUNCE_MS = 400;
/** The seed's auto-refresh period, kept as the fallback when live notices do not arrive. */
export const AUTO_REFRESH_MS = 30_000;
export const AUTO_REFRESH_STORAGE_KEY = 'switchboard.computers.autoRefresh';
export const DISPLAY_STORAGE_KEY = 'switchboard.computers.display';

/** Read-model collections whose changes the page shows: `computer-list_v2`, `computer-groups_v1`... */
const LIST_COLLECTION = /^computer-list(_|$)/;
const GROUPS_COLLECTION = /^computer-groups(_|$)/;

interface Display {
  readonly view: ComputerView;
  readonly sort: ComputerQuery['sort'];
  readonly direction: ComputerQuery['direction'];
  readonly groupBy: ComputerQuery['groupBy'];
}

const DEFAULT_DISPLAY: Display = { view: 'list', sort: 'name', direction: 'asc', groupBy: 'none' };

type LoadMode = 'reset' | 'more' | 'refresh';

/**
 * The computers page's state: the query (toolbar and sidebar), the rows shown (pages appended by
 * "load more"), the group tree, and what keeps them current: live notices from the console link,
 * debounced, and the 30-second auto-refresh as the fallback. Provided by the page.
 */
@Injectable()
export class ComputersStore {
  private readonly api = inject(ComputersApi);
  private readonly socket = inject(ConsoleSocketService);
  private readonly storage = storageOf(inject(DOCUMENT).defaultView);
  private readonly searches = new Subject<string>();
  private inflight: Subscription | null = null;
  private groupsInflight: Subscription | null = null;
  private autoRefreshTimer: ReturnType<typeof setInterval> | undefined;

  private readonly display = signal<Display>(readDisplay(this.storage));
  readonly view = computed(() => this.display().view);
  readonly query = signal<ComputerQuery>({ ...pick(this.display()), search: '', filter: ALL });
  readonly favourites = signal<readonly ComputerRow[]>([]);
  readonly items = signal<readonly ComputerRow[]>([]);
  readonly demo = signal<ComputerRow | null>(null);
  readonly nextCursor = signal<string | null>(null);
  /** A first page or a new query is on its way (a refresh in the background does not count). */
  readonly loading = signal(false);
  readonly loadingMore = signal(false);
  readonly problem = signal<Problem | null>(null);
  readonly groups = signal<readonly ComputerGroupView[]>([]);
  readonly autoRefresh = signal(readAutoRefresh(this.storage));
  readonly live = computed(() => this.socket.state() === 'open');

  readonly sections = computed(() => {
    const showItems = this.query().filter.kind !== 'favourites';
    return sectionsOf(this.query().groupBy, this.favourites(), showItems ? this.demo() : null, showItems ? this.items() : []);
  });
  readonly canLoadMore = computed(() => this.nextCursor() !== null && this.query().filter.kind !== 'favourites');
  readonly empty = computed(() => this.sections().length === 0);
  readonly count = computed(() => this.sections().reduce((total, section) => total + section.rows.length, 0));

  constructor() {
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(() => {
      this.inflight?.unsubscribe();
      this.groupsInflight?.unsubscribe();
      clearInterval(this.autoRefreshTimer);
    });

    this.searches
      .pipe(debounceTime(SEARCH_DEBOUNCE_MS), distinctUntilChanged(), takeUntilDestroyed())
      .subscribe((search) => {
        this.query.update((query) => ({ ...query, search }));
        this.load('reset');
      });

    destroyRef.onDestroy(this.socket.watch(['read-models']));
    this.socket
      .on('readModelUpdated')
      .pipe(
        filter((notice) => LIST_COLLECTION.test(notice.collection) || GROUPS_COLLECTION.test(notice.collection)),
        debounceTime(LIVE_DEBOUNCE_MS),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.refresh());
    // Notices sent while the link was down are lost: catch up when it opens again.
    this.socket.state$
      .pipe(startWith(this.socket.state()), pairwise(), takeUntilDestroyed())
      .subscribe(([before, now]) => {
        if (now === 'open' && before === 'closed') this.refresh();
      });

    this.scheduleAutoRefresh();
  }

  /** The first page and the tree, on arrival. */
  start(): void {
    this.load('reset');
    this.loadGroups();
  }

  setView(view: ComputerView): void {
    this.updateDisplay({ view });
  }

  setSort(sort: ComputerQuery['sort']): void {
    this.updateDisplay({ sort, direction: defaultDirection(sort) });
    this.load('reset');
  }

  toggleDirection(): void {
    this.updateDisplay({ direction: this.query().direction === 'asc' ? 'desc' : 'asc' });
    this.load('reset');
  }

  setGroupBy(groupBy: ComputerQuery['groupBy']): void {
    this.updateDisplay({ groupBy });
    this.load('reset');
  }

  setFilter(filter: GroupFilter): void {
    this.query.update((query) => ({ ...query, filter }));
    this.load('reset');
  }

  /** Each keystroke; the server is asked after a pause, and a newer search cancels an older one in flight. */
  search(text: string): void {
    this.searches.next(text.trim());
  }

  loadMore(): void {
    this.load('more');
  }

  /**
   * Asks again for what is shown (as many rows as loaded, within the server's page maximum), without
   * the loading state; `minPosition` makes the server include our own write.
   */
  refresh(minPosition?: string): void {
    this.load('refresh', minPosition);
    this.loadGroups(minPosition);
  }

  setAutoRefresh(on: boolean): void {
    this.autoRefresh.set(on);
    try {
      this.storage?.setItem(AUTO_REFRESH_STORAGE_KEY, on ? 'on' : 'off');
    } catch {
      // Storage refused: the choice lasts for this visit.
    }
    this.scheduleAutoRefresh();
  }

  loadGroups(minPosition?: string): void {
    this.groupsInflight?.unsubscribe();
    this.groupsInflight = this.api.groups(minPosition).subscribe({
      next: (view) => this.groups.set(view.groups),
      error: (error: unknown) => this.problem.set(problemOf(error)),
    });
  }

  private load(mode: LoadMode, minPosition?: string): void {
    const cursor = this.nextCursor();
    if (mode === 'more' && (!cursor || this.inflight)) return;
    this.inflight?.unsubscribe();
    const query = this.query();
    const shown = this.items().length;
    // Favourites come on the first page whatever its size: the rest is not shown then.
    const limit =
      query.filter.kind === 'favourites'
        ? 1
        : mode === 'refresh'
          ? Math.min(COMPUTER_PAGE_MAX, Math.max(COMPUTER_PAGE_DEFAULT, shown))
          : COMPUTER_PAGE_DEFAULT;
    const options: ListComputersOptions = {
      ...optionsOf(query),
      limit,
      ...(mode === 'more' && cursor ? { cursor } : {}),
    };
    if (mode === 'reset') this.loading.set(true);
    if (mode === 'more') this.loadingMore.set(true);
    this.inflight = this.api.list(options, minPosition).subscribe({
      next: (page) => this.accept(page, mode),
      error: (error: unknown) => {
        this.inflight = null;
        this.loading.set(false);
        this.loadingMore.set(false);
        this.problem.set(problemOf(error));
      },
    });
  }

  private accept(page: ComputerListResponse, mode: LoadMode): void {
    this.inflight = null;
    this.problem.set(null);
    if (mode === 'more') {
      this.items.update((shown) => [...shown, ...page.items]);
    } else {
      this.favourites.set(page.favourites);
      this.demo.set(page.demo);
      this.items.set(page.items);
    }
    this.nextCursor.set(page.nextCursor);
    this.loading.set(false);
    this.loadingMore.set(false);
  }

  private scheduleAutoRefresh(): void {
    clearInterval(this.autoRefreshTimer);
    this.autoRefreshTimer = this.autoRefresh() ? setInterval(() => this.refresh(), AUTO_REFRESH_MS) : undefined;
  }

  private updateDisplay(change: Partial<Display>): void {
    const display = { ...this.display(), ...change };
    this.display.set(display);
    this.query.update((query) => ({ ...query, ...pick(display) }));
    try {
      this.storage?.setItem(DISPLAY_STORAGE_KEY, JSON.stringify(display));
    } catch {
      // Storage refused: the display lasts for this visit.
    }
  }
}

function pick({ sort, direction, groupBy }: Display): Pick<ComputerQuery, 'sort' | 'direction' | 'groupBy'> {
  return { sort, direction, groupBy };
}

/** The server's query parameters for a query (paging aside). */
export function optionsOf(query: ComputerQuery): ListComputersOptions {
  const scope: ListComputersOptions =
    query.filter.kind === 'group' ? { groupId: query.filter.groupId } : query.filter.kind === 'ungrouped' ? { groupId: '' } : {};
  return {
    sort: query.sort,
    direction: query.direction,
    groupBy: query.groupBy,
    ...(query.search ? { search: query.search } : {}),
    ...scope,
  };
}

function storageOf(view: Window | null): Storage | null {
  try {
    return view?.localStorage ?? null;
  } catch {
    return null;
  }
}

/** On unless the user turned it off (the seed's list refreshes itself by default). */
function readAutoRefresh(storage: Storage | null): boolean {
  try {
    return storage?.getItem(AUTO_REFRESH_STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

function readDisplay(storage: Storage | null): Display {
  try {
    const saved = JSON.parse(storage?.getItem(DISPLAY_STORAGE_KEY) ?? 'null') as Partial<Display> | null;
    if (!saved || typeof saved !== 'object') return DEFAULT_DISPLAY;
    const sort = SORTS.includes(saved.sort as Display['sort']) ? (saved.sort as Display['sort']) : DEFAULT_DISPLAY.sort;
    return {
      view: saved.view === 'details' ? 'details' : 'list',
      sort,
      direction: saved.direction === 'asc' || saved.direction === 'desc' ? saved.direction : defaultDirection(sort),
      groupBy: GROUPINGS.includes(saved.groupBy as Display['groupBy']) ? (saved.groupBy as Display['groupBy']) : DEFAULT_DISPLAY.groupBy,
    };
  } catch {
    return DEFAULT_DISPLAY;
  }
}
