import { isComputerOwner, mayAdminister, mayManage } from '../../domain/computer/computer.access';
import { effectivePlanStatus } from '../../domain/computer/computer.decide';
import type { Principal } from '../../domain/shared/event';
import type { ComputerGroupNodeView } from '../../read-models/computer-groups/computer-groups.view';
import { foldText, statusOf } from '../../read-models/computer-list/computer-list.projection';
import type { ComputerDoc } from '../../read-models/computer-list/computer-list.view';
import type {
  ComputerDetailsView,
  ComputerGroupView,
  ComputerListItem,
  ComputerSectionView,
  LastUseBucket,
} from '../contracts/computers.contracts';

/** The account's groups depth-first, siblings by name (case and accents ignored), with their paths. */
export interface GroupTree {
  readonly ordered: readonly ComputerGroupView[];
  readonly byId: ReadonlyMap<string, ComputerGroupView>;
  /** The group and every group under it. */
  subtree(groupId: string): string[];
}

export function groupTree(nodes: readonly ComputerGroupNodeView[]): GroupTree {
  const known = new Set(nodes.map((n) => n.id));
  const children = new Map<string | null, ComputerGroupNodeView[]>();
  for (const node of nodes) {
    // A parent that is gone (never written by the decider, but a read model may lag) puts the group at the top.
    const parent = node.parentId !== null && known.has(node.parentId) ? node.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), node]);
  }
  const ordered: ComputerGroupView[] = [];
  const placed = new Set<string>();
  const visit = (parentId: string | null, path: readonly string[]) => {
    const kids = [...(children.get(parentId) ?? [])].sort((a, b) => compareText(foldText(a.name), foldText(b.name)) || compareText(a.id, b.id));
    for (const kid of kids) {
      if (placed.has(kid.id)) continue;
      placed.add(kid.id);
      const view: ComputerGroupView = { id: kid.id, name: kid.name, parentId: parentId, path: [...path, kid.name], depth: path.length };
      ordered.push(view);
      visit(kid.id, view.path);
    }
  };
  visit(null, []);
  const byId = new Map(ordered.map((g) => [g.id, g]));
  return {
    ordered,
    byId,
    subtree(groupId) {
      const start = ordered.findIndex((g) => g.id === groupId);
      if (start < 0) return [];
      const depth = ordered[start].depth;
      const ids = [groupId];
      for (let i = start + 1; i < ordered.length && ordered[i].depth > depth; i++) ids.push(ordered[i].id);
      return ids;
    },
  };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const DAY_MS = 24 * 60 * 60 * 1000;

/** "Time of last use" by how long ago, so that it needs no time zone. */
export function lastUseBucket(lastConnectedAt: string | null, now: string): LastUseBucket {
  if (lastConnectedAt === null) return 'never';
  const age = Date.parse(now) - Date.parse(lastConnectedAt);
  if (age < DAY_MS) return 'last-24-hours';
  if (age < 7 * DAY_MS) return 'last-7-days';
  if (age < 30 * DAY_MS) return 'last-30-days';
  if (age < 365 * DAY_MS) return 'last-year';
  return 'older';
}

export const locationOf = (doc: Pick<ComputerDoc, 'ip' | 'city' | 'country'>): string =>
  [doc.ip, doc.city, doc.country].filter((part): part is string => typeof part === 'string' && part.length > 0).join(', ');

/** A row for a viewer: their favourite flag and rights, the group path, and the plan as of now. */
export function toListItem(doc: ComputerDoc, viewer: Principal, tree: GroupTree, now: string, section: ComputerSectionView): ComputerListItem {
  const planStatus = effectivePlanStatus(doc, now);
  const status = planStatus === doc.planStatus ? doc.status : statusOf({ ...doc, planStatus });
  const group = doc.groupId === null ? undefined : tree.byId.get(doc.groupId);
  const userId = viewer.kind === 'user' ? viewer.id : null;
  return {
    id: doc.id,
    name: doc.name,
    status,
    planStatus,
    limitedUntil: doc.limitedUntil,
    os: doc.os,
    hostname: doc.hostname,
    agentVersion: doc.agentVersion,
    loggedInUser: doc.loggedInUser,
    installed: doc.installed,
    ip: doc.ip,
    city: doc.city,
    country: doc.country,
    location: locationOf(doc),
    groupId: group ? doc.groupId : null,
    groupPath: group ? group.path : [],
    favourite: userId !== null && doc.favouriteOf.includes(userId),
    visibility: doc.visibility,
    owned: isComputerOwner(viewer, doc),
    sharedWithMe: userId !== null && doc.sharedWith.includes(userId),
    canManage: mayManage(viewer, doc),
    canAdminister: mayAdminister(viewer, doc),
    allowAgentConfigWithoutAdmin: doc.allowAgentConfigWithoutAdmin,
    lastConnectedAt: doc.lastConnectedAt,
    addedAt: doc.addedAt,
    section,
  };
}

export function toDetails(doc: ComputerDoc, viewer: Principal, tree: GroupTree, now: string): ComputerDetailsView {
  const item = toListItem(doc, viewer, tree, now, { key: '', label: '' });
  return {
    ...item,
    ownerUserId: doc.ownerUserId,
    sharedWith: item.canAdminister ? doc.sharedWith : [],
    lastSeenAt: doc.lastSeenAt,
    nameSource: doc.nameSource,
    method: doc.method,
  };
}
