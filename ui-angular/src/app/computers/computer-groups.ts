import { CdkDrag, type CdkDragDrop, CdkDragPlaceholder, CdkDropList } from '@angular/cdk/drag-drop';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { ComputerGroupView } from '@contracts/computers.contracts';
import { TranslatePipe } from '@ngx-translate/core';

import { type Problem, problemOf } from '../auth/problem';
import { ProblemMessage } from '../shared/problem-message';
import { type CommandAccepted, ComputersApi } from './computers-api';
import { ComputersStore } from './computers.store';
import { ALL, type DragSubject, type DropTarget, type GroupFilter, accepts, possibleParents } from './computer-list.model';

type Editing = { readonly kind: 'add'; readonly parentId: string | null } | { readonly kind: 'rename'; readonly group: ComputerGroupView } | { readonly kind: 'move'; readonly group: ComputerGroupView };

const sameFilter = (a: GroupFilter, b: GroupFilter): boolean =>
  a.kind === b.kind && (a.kind !== 'group' || (b.kind === 'group' && a.groupId === b.groupId));

/**
 * The groups sidebar: Favourites first, all computers, the account's nested groups, and computers in no
 * group. A click filters the list; computers and groups are dragged onto a group (Angular CDK) to move
 * them; the selected group can be renamed, moved and deleted, and a new group added under it.
 */
@Component({
  selector: 'app-computer-groups',
  imports: [CdkDropList, CdkDrag, CdkDragPlaceholder, FormsModule, TranslatePipe, ProblemMessage],
  templateUrl: './computer-groups.html',
  styleUrl: './computer-groups.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComputerGroups {
  protected readonly store = inject(ComputersStore);
  private readonly api = inject(ComputersApi);

  protected readonly favouritesTarget: DropTarget = { kind: 'favourites' };
  protected readonly topTarget: DropTarget = { kind: 'top' };
  protected readonly ungroupedTarget: DropTarget = { kind: 'ungrouped' };
  protected readonly all = ALL;
  protected readonly favourites: GroupFilter = { kind: 'favourites' };
  protected readonly ungrouped: GroupFilter = { kind: 'ungrouped' };

  protected readonly rows = computed(() =>
    this.store.groups().map((group) => ({
      group,
      filter: { kind: 'group', groupId: group.id } as GroupFilter,
      target: { kind: 'group', groupId: group.id } as DropTarget,
      subject: { kind: 'group', group } as DragSubject,
    })),
  );
  protected readonly selectedGroup = computed(() => {
    const filter = this.store.query().filter;
    return filter.kind === 'group' ? (this.store.groups().find((group) => group.id === filter.groupId) ?? null) : null;
  });
  protected readonly editing = signal<Editing | null>(null);
  protected readonly name = signal('');
  protected readonly parent = signal('');
  protected readonly parents = computed(() => {
    const editing = this.editing();
    return editing?.kind === 'move' ? possibleParents(this.store.groups(), editing.group.id) : [];
  });
  protected readonly busy = signal(false);
  protected readonly problem = signal<Problem | null>(null);

  /** Only targets where the drop means something accept the dragged item (and light up). */
  protected readonly canEnter = (drag: CdkDrag<DragSubject>, drop: CdkDropList<DropTarget>): boolean =>
    accepts(drop.data, drag.data, this.store.groups());

  protected isSelected(filter: GroupFilter): boolean {
    return sameFilter(this.store.query().filter, filter);
  }

  protected select(filter: GroupFilter): void {
    this.editing.set(null);
    if (!this.isSelected(filter)) this.store.setFilter(filter);
  }

  protected startAdd(): void {
    this.problem.set(null);
    this.name.set('');
    this.editing.set({ kind: 'add', parentId: this.selectedGroup()?.id ?? null });
  }

  protected startRename(group: ComputerGroupView): void {
    this.problem.set(null);
    this.name.set(group.name);
    this.editing.set({ kind: 'rename', group });
  }

  protected startMove(group: ComputerGroupView): void {
    this.problem.set(null);
    this.parent.set(group.parentId ?? '');
    this.editing.set({ kind: 'move', group });
  }

  protected cancel(): void {
    this.editing.set(null);
  }

  protected async submit(): Promise<void> {
    const editing = this.editing();
    if (!editing) return;
    const name = this.name().trim();
    switch (editing.kind) {
      case 'add':
        if (name) await this.run(() => this.api.addGroup(name, editing.parentId));
        return;
      case 'rename':
        if (name && name !== editing.group.name) await this.run(() => this.api.renameGroup(editing.group.id, name));
        else this.editing.set(null);
        return;
      case 'move':
        await this.run(() => this.api.moveGroup(editing.group.id, this.parent() || null));
        return;
      default: {
        const unknown: never = editing;
        throw new Error(`Unknown edit ${JSON.stringify(unknown)}`);
      }
    }
  }

  protected async remove(group: ComputerGroupView): Promise<void> {
    const done = await this.run(() => this.api.deleteGroup(group.id));
    if (done) this.store.setFilter(ALL);
  }

  /** A computer or a group dropped on a sidebar entry: the matching move (the targets refuse pointless drops). */
  async dropped(event: CdkDragDrop<DropTarget, unknown, DragSubject>): Promise<void> {
    const target = event.container.data;
    const subject = event.item.data;
    if (!accepts(target, subject, this.store.groups())) return;
    if (subject.kind === 'computer') {
      const id = subject.computer.id;
      switch (target.kind) {
        case 'favourites':
          await this.run(() => this.api.setFavourite(id, true));
          return;
        case 'group':
          await this.run(() => this.api.moveToGroup(id, target.groupId));
          return;
        case 'top':
        case 'ungrouped':
          await this.run(() => this.api.moveToGroup(id, null));
          return;
        case 'list':
          return;
        default: {
          const unknown: never = target;
          throw new Error(`Unknown target ${JSON.stringify(unknown)}`);
        }
      }
    }
    const parentId = target.kind === 'group' ? target.groupId : null;
    await this.run(() => this.api.moveGroup(subject.group.id, parentId));
  }

  /** Runs one command; on success the list and tree are read again at least at its position. */
  private async run(command: () => Promise<CommandAccepted>): Promise<boolean> {
    if (this.busy()) return false;
    this.busy.set(true);
    this.problem.set(null);
    try {
      const accepted = await command();
      this.editing.set(null);
      this.store.refresh(accepted.position);
      return true;
    } catch (error) {
      this.problem.set(problemOf(error));
      return false;
    } finally {
      this.busy.set(false);
    }
  }
}
