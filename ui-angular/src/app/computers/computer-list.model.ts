import type { ComputerRow } from '@contracts/computers-live.contracts';
import type {
  ComputerGroupView,
  ComputerGroupingView,
  ComputerSortView,
  ComputerStatusView,
  SortDirectionView,
} from '@contracts/computers.contracts';

export type ComputerView = 'list' | 'details';

/** What the sidebar narrows the list to: everything, the viewer's favourites, one group (with its subgroups), or no group. */
export type GroupFilter =
  | { readonly kind: 'all' }
  | { readonly kind: 'favourites' }
  | { readonly kind: 'group'; readonly groupId: string }
  | { readonly kind: 'ungrouped' };

export const ALL: GroupFilter = { kind: 'all' };

/** The list's query as the toolbar and the sidebar set it. */
export interface ComputerQuery {
  readonly sort: ComputerSortView;
  readonly direction: SortDirectionView;
  readonly groupBy: ComputerGroupingView;
  readonly search: string;
  readonly filter: GroupFilter;
}

export const SORTS: readonly ComputerSortView[] = ['name', 'lastConnectedAt', 'addedAt'];
export const GROUPINGS: readonly ComputerGroupingView[] = ['none', 'letter', 'status', 'last-use', 'group'];
export const STATUSES: readonly ComputerStatusView[] = ['online', 'limited', 'not-installed', 'offline', 'disabled'];

/** Name ascending, dates newest first: what the server does when no direction is asked. */
export const defaultDirection = (sort: ComputerSortView): SortDirectionView => (sort === 'name' ? 'asc' : 'desc');

/** A section title: a translation key (statuses, buckets, "Favourites") or a text as the server gave it (letters, group paths). */
export type SectionTitle = { readonly key: string } | { readonly text: string } | null;

export interface ComputerSection {
  /** Unique in the page: `favourites`, `demo`, or the grouping's key. */
  readonly id: string;
  readonly title: SectionTitle;
  readonly rows: readonly ComputerRow[];
}

function titleOf(groupBy: ComputerGroupingView, row: ComputerRow): SectionTitle {
  const { key, label } = row.section;
  switch (groupBy) {
    case 'none':
      return null;
    case 'letter':
      return { text: label || key };
    case 'status':
      return { key: `computers.status.${key}` };
    case 'last-use':
      return { key: `computers.lastUse.${key}` };
    case 'group':
      return key === '' ? { key: 'computers.groups.ungrouped' } : { text: label };
    default: {
      const unknown: never = groupBy;
      return { text: String(unknown) };
    }
  }
}

/**
 * The page as sections: favourites first (always), the demo computer, then the rows in the server's
 * order, a new section each time the grouping key changes (the server returns a section's rows together,
 * so pages appended by "load more" continue the last section).
 */
export function sectionsOf(
  groupBy: ComputerGroupingView,
  favourites: readonly ComputerRow[],
  demo: ComputerRow | null,
  items: readonly ComputerRow[],
): ComputerSection[] {
  const sections: ComputerSection[] = [];
  if (favourites.length > 0) sections.push({ id: 'favourites', title: { key: 'computers.groups.favourites' }, rows: favourites });
  if (demo) sections.push({ id: 'demo', title: { key: 'computers.demoSection' }, rows: [demo] });
  let current: { id: string; title: SectionTitle; rows: ComputerRow[] } | null = null;
  for (const row of items) {
    const id = groupBy === 'none' ? 'all' : `section:${row.section.key}`;
    if (!current || current.id !== id) {
      current = { id, title: titleOf(groupBy, row), rows: [] };
      sections.push(current);
    }
    current.rows.push(row);
  }
  return sections;
}

/** The groups a group may move under: not itself, nor anything in its subtree (the server refuses a cycle too). */
export function possibleParents(groups: readonly ComputerGroupView[], groupId: string): ComputerGroupView[] {
  const excluded = new Set([groupId]);
  // The tree comes depth-first, so a descendant always follows its parent.
  for (const group of groups) if (group.parentId !== null && excluded.has(group.parentId)) excluded.add(group.id);
  return groups.filter((group) => !excluded.has(group.id));
}

/** Whether `groupId` is `ancestorId` or lies below it. */
export function isWithin(groups: readonly ComputerGroupView[], groupId: string, ancestorId: string): boolean {
  const byId = new Map(groups.map((group) => [group.id, group]));
  for (let id: string | null = groupId; id !== null; id = byId.get(id)?.parentId ?? null) {
    if (id === ancestorId) return true;
  }
  return false;
}

const PRIVATE_V4 = /^(10\.|127\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;

/** Loopback, private, link-local and carrier-grade NAT addresses, where no city can be known. */
export function isLocalAddress(ip: string): boolean {
  const lower = ip.toLowerCase();
  if (lower.startsWith('::ffff:')) return isLocalAddress(lower.slice(7));
  return PRIVATE_V4.test(lower) || lower === '::1' || lower.startsWith('fe80:') || lower.startsWith('fc') || lower.startsWith('fd');
}

/** What is being dragged: a computer row, or a group of the sidebar. */
export type DragSubject =
  | { readonly kind: 'computer'; readonly computer: ComputerRow }
  | { readonly kind: 'group'; readonly group: ComputerGroupView };

/** Where it can be dropped: a group, the top of the tree / no group, the favourites, or back on the list. */
export type DropTarget =
  | { readonly kind: 'group'; readonly groupId: string }
  | { readonly kind: 'top' }
  | { readonly kind: 'ungrouped' }
  | { readonly kind: 'favourites' }
  | { readonly kind: 'list' };

/** Whether a drop would change anything the server accepts; targets light up only then. */
export function accepts(target: DropTarget, subject: DragSubject, groups: readonly ComputerGroupView[]): boolean {
  switch (target.kind) {
    case 'list':
      return subject.kind === 'computer';
    case 'favourites':
      return subject.kind === 'computer' && !subject.computer.favourite && !subject.computer.demo;
    case 'ungrouped':
      return subject.kind === 'computer' && subject.computer.canManage && subject.computer.groupId !== null;
    case 'top':
      return subject.kind === 'computer'
        ? subject.computer.canManage && subject.computer.groupId !== null
        : subject.group.parentId !== null;
    case 'group':
      return subject.kind === 'computer'
        ? subject.computer.canManage && subject.computer.groupId !== target.groupId
        : subject.group.parentId !== target.groupId && !isWithin(groups, target.groupId, subject.group.id);
    default: {
      const unknown: never = target;
      return Boolean(unknown);
    }
  }
}
