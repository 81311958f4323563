import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { isAccountAdmin } from '../../domain/computer/computer.access';
import type { Principal } from '../../domain/shared/event';
import { COMPUTER_GROUPS } from '../../read-models/computer-groups/computer-groups.projection';
import type { ComputerGroupsDoc } from '../../read-models/computer-groups/computer-groups.view';
import { COMPUTER_LIST, foldText } from '../../read-models/computer-list/computer-list.projection';
import { STATUS_RANK, type ComputerDoc } from '../../read-models/computer-list/computer-list.view';
import { DEFAULT_CONSISTENCY_WAIT_MS, type Consistency } from '../account/account.queries';
import {
  COMPUTER_FAVOURITES_MAX,
  COMPUTER_PAGE_DEFAULT,
  COMPUTER_PAGE_MAX,
  COMPUTER_SEARCH_MAX,
  type ComputerGroupingView,
  type ComputerListItem,
  type ComputerListPage,
  type ComputerSectionView,
  type ComputerSortView,
  type ListComputersOptions,
  type SortDirectionView,
} from '../contracts/computers.contracts';
import { ApplicationError } from '../errors';
import { CLOCK, type Clock } from '../ports/clock.port';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type Filter, type ReadCollection, type ReadStore } from '../ports/read-store.port';
import { groupTree, lastUseBucket, toListItem, type GroupTree } from './computer-views';

/** The computers a viewer may see (owned, shared with them, visible to everyone; all of them for admins), one page at a time. */
export class ListComputersQuery {
  constructor(
    readonly principal: Principal,
    readonly options: ListComputersOptions = {},
    readonly consistency: Consistency = {},
  ) {}
}

const SORT_FIELDS: Readonly<Record<ComputerSortView, 'nameLower' | 'lastUseKey' | 'addedAt'>> = {
  name: 'nameLower',
  lastConnectedAt: 'lastUseKey',
  addedAt: 'addedAt',
};
const GROUPINGS: readonly ComputerGroupingView[] = ['none', 'letter', 'status', 'last-use', 'group'];
const STATUS_BY_RANK = Object.fromEntries(Object.entries(STATUS_RANK).map(([status, rank]) => [rank, status]));

/** Leading key of a grouped view: rows are walked section by section, each section by the sort key. */
const SECTION_FIELDS: Partial<Record<ComputerGroupingView, 'initial' | 'statusRank' | 'groupKey'>> = {
  letter: 'initial',
  status: 'statusRank',
  group: 'groupKey',
};

type SectionValue = string | number;

/** Where the next page starts: the section, then strictly after (sort value, id) inside it. */
interface Cursor {
  readonly v: 1;
  readonly g: ComputerGroupingView;
  readonly s: ComputerSortView;
  readonly d: SortDirectionView;
  readonly p: SectionValue | null;
  readonly k: string;
  readonly i: string;
}

const invalid = (message: string) => new ApplicationError('VALIDATION_FAILED', message);

/** base64url of the UTF-8 JSON, with web-standard globals (the browser could read it too). */
function encodeCursor(cursor: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(cursor));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeBase64Url(raw: string): string {
  const binary = atob(raw.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

function decodeCursor(raw: string, expected: Pick<Cursor, 'g' | 's' | 'd'>): Cursor {
  let cursor: Cursor;
  try {
    if (typeof raw !== 'string' || raw.length > 2048) throw new Error('cursor too long');
    cursor = JSON.parse(decodeBase64Url(raw)) as Cursor;
  } catch {
    throw new ApplicationError('INVALID_CURSOR', 'This page cursor is not valid');
  }
  const wellFormed =
    cursor !== null &&
    typeof cursor === 'object' &&
    cursor.v === 1 &&
    typeof cursor.k === 'string' &&
    typeof cursor.i === 'string' &&
    (cursor.p === null || typeof cursor.p === 'string' || typeof cursor.p === 'number');
  if (!wellFormed || cursor.g !== expected.g || cursor.s !== expected.s || cursor.d !== expected.d) {
    throw new ApplicationError('INVALID_CURSOR', 'This page cursor is not valid for this sort and grouping; start from the first page');
  }
  return cursor;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The rows strictly after (value, id) in the sort's direction: the range-pagination condition. */
function keyset(field: string, direction: 1 | -1, value: string, id: string): Filter {
  const op = direction === 1 ? '$gt' : '$lt';
  return { $or: [{ [field]: { [op]: value } }, { [field]: value, id: { [op]: id } }] };
}

interface Plan {
  readonly groupBy: ComputerGroupingView;
  readonly sort: ComputerSortView;
  readonly direction: SortDirectionView;
  readonly field: 'nameLower' | 'lastUseKey' | 'addedAt';
  readonly dir: 1 | -1;
  readonly limit: number;
}

function planOf(options: ListComputersOptions): Plan {
  const groupBy = options.groupBy ?? 'none';
  if (!GROUPINGS.includes(groupBy)) throw invalid(`groupBy must be one of ${GROUPINGS.join(', ')}`);
  // Grouping by time of last use orders by last connection, newest first: the buckets follow it.
  const sort = groupBy === 'last-use' ? 'lastConnectedAt' : (options.sort ?? 'name');
  if (!Object.prototype.hasOwnProperty.call(SORT_FIELDS, sort)) throw invalid(`sort must be one of ${Object.keys(SORT_FIELDS).join(', ')}`);
  const direction = groupBy === 'last-use' ? 'desc' : (options.direction ?? (sort === 'name' ? 'asc' : 'desc'));
  if (direction !== 'asc' && direction !== 'desc') throw invalid('direction must be asc or desc');
  const limit = options.limit ?? COMPUTER_PAGE_DEFAULT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > COMPUTER_PAGE_MAX) throw invalid(`limit must be 1 to ${COMPUTER_PAGE_MAX}`);
  return { groupBy, sort, direction, field: SORT_FIELDS[sort], dir: direction === 'asc' ? 1 : -1, limit };
}

/** What every row of the page must satisfy, favourites aside: visibility, search, group and status filters. */
function baseConditions(principal: Principal, options: ListComputersOptions, tree: GroupTree): Filter[] {
  const conditions: Filter[] = [];
  if (!isAccountAdmin(principal, principal.tenantId)) {
    if (principal.kind !== 'user') throw new ApplicationError('FORBIDDEN', 'Only users of the account list its computers');
    conditions.push({ $or: [{ ownerUserId: principal.id }, { visibility: 'everyone' }, { sharedWith: principal.id }] });
  }
  if (options.search !== undefined) {
    if (typeof options.search !== 'string' || options.search.length > COMPUTER_SEARCH_MAX) throw invalid(`search has at most ${COMPUTER_SEARCH_MAX} characters`);
    const term = foldText(options.search.trim());
    if (term.length > 0) {
      const pattern = escapeRegex(term);
      // A group matches by its path, so searching a site also finds the computers of its subgroups.
      const groups = tree.ordered.filter((g) => foldText(g.path.join(' / ')).includes(term)).map((g) => g.id);
      conditions.push({
        $or: [
          { nameLower: { $regex: pattern } },
          { ip: { $regex: pattern } },
          { cityLower: { $regex: pattern } },
          ...(groups.length > 0 ? [{ groupKey: { $in: groups } }] : []),
        ],
      });
    }
  }
  if (options.groupId !== undefined) {
    if (typeof options.groupId !== 'string') throw invalid('groupId must be a string');
    const ids = options.groupId === '' ? [''] : tree.subtree(options.groupId);
    if (ids.length === 0) throw new ApplicationError('COMPUTER_GROUP_NOT_FOUND', 'No such group');
    conditions.push(ids.length === 1 ? { groupKey: ids[0] } : { groupKey: { $in: ids } });
  }
  if (options.status !== undefined) {
    if (!Object.prototype.hasOwnProperty.call(STATUS_RANK, options.status)) throw invalid(`status must be one of ${Object.keys(STATUS_RANK).join(', ')}`);
    conditions.push({ statusRank: STATUS_RANK[options.status] });
  }
  return conditions;
}

const allOf = (conditions: readonly Filter[]): Filter => (conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0] : { $and: conditions });

@QueryHandler(ListComputersQuery)
export class ListComputersHandler implements IQueryHandler<ListComputersQuery, ComputerListPage> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ principal, options, consistency }: ListComputersQuery): Promise<ComputerListPage> {
    const plan = planOf(options);
    if (consistency.minPosition) {
      await this.access.waitFor(COMPUTER_LIST, consistency.minPosition, consistency.waitMs ?? DEFAULT_CONSISTENCY_WAIT_MS);
    }
    const tenant = this.store.forTenant(principal.tenantId);
    const computers = tenant.collection<ComputerDoc>(this.access.activeCollection(COMPUTER_LIST));
    const groupsDoc = await tenant.collection<ComputerGroupsDoc>(this.access.activeCollection(COMPUTER_GROUPS)).get(principal.tenantId);
    const tree = groupTree(groupsDoc?.groups ?? []);
    const now = this.clock.now();
    const cursor = options.cursor ? decodeCursor(options.cursor, { g: plan.groupBy, s: plan.sort, d: plan.direction }) : null;
    const base = baseConditions(principal, options, tree);
    const viewerId = principal.kind === 'user' ? principal.id : null;
    const sectionOf = (doc: ComputerDoc) => this.section(plan.groupBy, doc, tree, now);

    let favourites: ComputerListItem[] = [];
    if (viewerId !== null && cursor === null) {
      const docs = await computers.find(allOf([...base, { favouriteOf: viewerId }]), {
        sort: { [plan.field]: plan.dir, id: plan.dir },
        limit: COMPUTER_FAVOURITES_MAX,
      });
      favourites = docs.map((doc) => toListItem(doc, principal, tree, now, { key: 'favourites', label: 'favourites' }));
    }
    const main = viewerId === null ? base : [...base, { favouriteOf: { $ne: viewerId } }];
    const { rows, more } = await this.page(computers, plan, main, cursor, tree, options.groupId);
    const last = rows.at(-1);
    const sectionField = SECTION_FIELDS[plan.groupBy];
    const nextCursor =
      more && last
        ? encodeCursor({
            v: 1,
            g: plan.groupBy,
            s: plan.sort,
            d: plan.direction,
            p: sectionField ? (last[sectionField] as SectionValue) : null,
            k: last[plan.field],
            i: last.id,
          })
        : null;
    return {
      favourites,
      items: rows.map((doc) => toListItem(doc, principal, tree, now, sectionOf(doc))),
      nextCursor,
      sort: plan.sort,
      direction: plan.direction,
      groupBy: plan.groupBy,
    };
  }

  /**
   * One page. Ungrouped views are one range query on (sort key, id). Grouped views walk their
   * sections in order (letters and statuses found by skipping to the next value through the index,
   * groups in the order of the tree) and run a range query inside each until the page is full.
   */
  private async page(
    computers: ReadCollection<ComputerDoc>,
    plan: Plan,
    conditions: readonly Filter[],
    cursor: Cursor | null,
    tree: GroupTree,
    groupFilter: string | undefined,
  ): Promise<{ rows: ComputerDoc[]; more: boolean }> {
    const sectionField = SECTION_FIELDS[plan.groupBy];
    const after = (c: Cursor | null) => (c ? [keyset(plan.field, plan.dir, c.k, c.i)] : []);
    if (!sectionField) {
      const rows = await computers.find(allOf([...conditions, ...after(cursor)]), { sort: { [plan.field]: plan.dir, id: plan.dir }, limit: plan.limit + 1 });
      return { rows: rows.slice(0, plan.limit), more: rows.length > plan.limit };
    }
    const groupOrder =
      sectionField === 'groupKey'
        ? [...(groupFilter === undefined ? tree.ordered.map((g) => g.id) : groupFilter === '' ? [] : tree.subtree(groupFilter)), '']
        : [];
    const nextSection = async (current: SectionValue | null): Promise<SectionValue | null> => {
      if (sectionField === 'groupKey') {
        const at = current === null ? -1 : groupOrder.indexOf(current as string);
        return at + 1 < groupOrder.length ? groupOrder[at + 1] : null;
      }
      const beyond = current === null ? [] : [{ $or: [{ [sectionField]: { $gt: current } }] }];
      const [next] = await computers.find(allOf([...conditions, ...beyond]), {
        sort: { [sectionField]: 1, nameLower: 1, id: 1 },
        limit: 1,
        projection: { [sectionField]: 1, id: 1 },
      });
      return next ? (next[sectionField] as SectionValue) : null;
    };
    const rows: ComputerDoc[] = [];
    let section = cursor ? cursor.p : await nextSection(null);
    let inSection = cursor;
    while (section !== null) {
      const wanted = plan.limit - rows.length;
      const found = await computers.find(allOf([...conditions, { [sectionField]: section }, ...after(inSection)]), {
        sort: { [sectionField]: 1, [plan.field]: plan.dir, id: plan.dir },
        limit: wanted + 1,
      });
      rows.push(...found.slice(0, wanted));
      if (found.length > wanted) return { rows, more: true };
      section = await nextSection(section);
      inSection = null;
      if (rows.length === plan.limit) return { rows, more: section !== null };
    }
    return { rows, more: false };
  }

  private section(groupBy: ComputerGroupingView, doc: ComputerDoc, tree: GroupTree, now: string): ComputerSectionView {
    switch (groupBy) {
      case 'none':
        return { key: '', label: '' };
      case 'letter':
        return { key: doc.initial, label: doc.initial };
      case 'status': {
        const status = STATUS_BY_RANK[doc.statusRank] ?? doc.status;
        return { key: status, label: status };
      }
      case 'last-use': {
        const bucket = lastUseBucket(doc.lastConnectedAt, now);
        return { key: bucket, label: bucket };
      }
      case 'group': {
        const group = tree.byId.get(doc.groupKey);
        return group ? { key: group.id, label: group.path.join(' / ') } : { key: '', label: '' };
      }
      default: {
        const unknown: never = groupBy;
        throw invalid(`Unknown grouping ${JSON.stringify(unknown)}`);
      }
    }
  }
}
