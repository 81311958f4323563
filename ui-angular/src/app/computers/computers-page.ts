import { CdkDrag, CdkDragPlaceholder, CdkDragPreview, CdkDropList, CdkDropListGroup } from '@angular/cdk/drag-drop';
import { ChangeDetectionStrategy, Component, OnInit, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { ComputerRow } from '@contracts/computers-live.contracts';
import type { ComputerGroupingView, ComputerSortView } from '@contracts/computers.contracts';
import { TranslatePipe } from '@ngx-translate/core';

import { type Problem, problemOf } from '../auth/problem';
import { SessionsApi } from '../sessions/sessions-api';
import type { ViewerNavigationState } from '../sessions/viewer/viewer-navigation';
import { ProblemMessage } from '../shared/problem-message';
import { AddComputerDialog } from './add-computer-dialog';
import { type ComputerAction, ComputerItem } from './computer-item';
import { ComputerGroups } from './computer-groups';
import { type DragSubject, type DropTarget, GROUPINGS, SORTS, type SectionTitle, accepts } from './computer-list.model';
import { ComputerSettingsDialog } from './computer-settings-dialog';
import { ComputersApi } from './computers-api';
import { ComputersStore } from './computers.store';
import { Modal } from './modal';
import { ShareComputerDialog } from './share-computer-dialog';

type Dialog =
  | { readonly kind: 'add' }
  | { readonly kind: 'settings'; readonly computer: ComputerRow }
  | { readonly kind: 'share'; readonly computer: ComputerRow }
  | { readonly kind: 'remove'; readonly computer: ComputerRow };

/**
 * The computers page: search, sort, grouping and the List/Details switch on top, the groups sidebar on
 * the left, the computers (favourites first) with "load more", and the Add, settings, share and remove
 * dialogs. The list follows live notices; the 30-second auto-refresh is the fallback.
 */
@Component({
  selector: 'app-computers-page',
  imports: [
    CdkDropListGroup,
    CdkDropList,
    CdkDrag,
    CdkDragPreview,
    CdkDragPlaceholder,
    TranslatePipe,
    ProblemMessage,
    ComputerItem,
    ComputerGroups,
    AddComputerDialog,
    ComputerSettingsDialog,
    ShareComputerDialog,
    Modal,
  ],
  providers: [ComputersStore],
  templateUrl: './computers-page.html',
  styleUrl: './computers-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComputersPage implements OnInit {
  protected readonly store = inject(ComputersStore);
  private readonly api = inject(ComputersApi);
  private readonly sessions = inject(SessionsApi);
  private readonly router = inject(Router);

  protected readonly sorts = SORTS;
  protected readonly groupings = GROUPINGS;
  protected readonly listTarget: DropTarget = { kind: 'list' };
  protected readonly dialog = signal<Dialog | null>(null);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly busy = signal(false);
  protected readonly searchText = signal('');
  /** Grouping by time of last use orders by last connection: the server ignores the sort then. */
  protected readonly sortFixed = computed(() => this.store.query().groupBy === 'last-use');
  protected readonly filtered = computed(() => this.store.query().search !== '' || this.store.query().filter.kind !== 'all');

  protected readonly listAccepts = (drag: CdkDrag<DragSubject>, drop: CdkDropList<DropTarget>): boolean =>
    accepts(drop.data, drag.data, this.store.groups());

  ngOnInit(): void {
    this.store.start();
  }

  protected titleKey(title: SectionTitle): string | null {
    return title && 'key' in title ? title.key : null;
  }

  protected titleText(title: SectionTitle): string {
    return title && 'text' in title ? title.text : '';
  }

  protected subject(computer: ComputerRow): DragSubject {
    return { kind: 'computer', computer };
  }

  protected onSearch(text: string): void {
    this.searchText.set(text);
    this.store.search(text);
  }

  protected onSort(value: string): void {
    if (SORTS.includes(value as ComputerSortView)) this.store.setSort(value as ComputerSortView);
  }

  protected onGroupBy(value: string): void {
    if (GROUPINGS.includes(value as ComputerGroupingView)) this.store.setGroupBy(value as ComputerGroupingView);
  }

  protected act(computer: ComputerRow, action: ComputerAction): void {
    this.problem.set(null);
    switch (action) {
      case 'settings':
      case 'share':
      case 'remove':
        this.dialog.set({ kind: action, computer });
        return;
      case 'favourite':
        void this.run(() => this.api.setFavourite(computer.id, !computer.favourite));
        return;
      case 'connect':
      case 'prompt':
        void this.openSession(computer, action === 'prompt');
        return;
      default: {
        const unknown: never = action;
        throw new Error(`Unknown action ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** One click: a session on the computer (it waits if the agent is offline), then the viewer; a prompt opens there at once if asked. */
  private async openSession(computer: ComputerRow, openPrompt: boolean): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    try {
      const { sessionId } = await this.sessions.open(computer.id);
      const state: ViewerNavigationState = openPrompt ? { openPrompt: true } : {};
      await this.router.navigate(['/sessions', sessionId], { state });
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async confirmRemove(computer: ComputerRow): Promise<void> {
    if (await this.run(() => this.api.remove(computer.id))) this.dialog.set(null);
  }

  protected closeDialog(): void {
    this.dialog.set(null);
  }

  protected changed(position: string): void {
    this.store.refresh(position);
  }

  private async run(command: () => Promise<{ position: string }>): Promise<boolean> {
    if (this.busy()) return false;
    this.busy.set(true);
    this.problem.set(null);
    try {
      const { position } = await command();
      this.store.refresh(position);
      return true;
    } catch (error) {
      this.problem.set(problemOf(error));
      return false;
    } finally {
      this.busy.set(false);
    }
  }
}
