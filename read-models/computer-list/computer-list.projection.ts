import { COMPUTER_EVENT_TYPES, type ComputerEvent } from '../../domain/computer/computer.events';
import { assertNever } from '../../domain/shared/event';
import type { Projection, ProjectedEvent } from '../projection';
import { STATUS_RANK, type ComputerDoc, type ComputerStatus } from './computer-list.view';

export const COMPUTER_LIST = 'computer-list';

/**
 * Lower case without diacritics: the key the list sorts and searches names and cities by, so that
 * "éva", "Eva" and "EVA" sit together and "eva" finds them all.
 */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The letter a name is grouped under; names that do not start with a letter go under '#'. */
export function initialOf(name: string): string {
  const first = foldText(name).charAt(0);
  return /\p{L}/u.test(first) ? first.toUpperCase() : '#';
}

export function statusOf(doc: Pick<ComputerDoc, 'planStatus' | 'online' | 'installed'>): ComputerStatus {
  if (doc.planStatus === 'disabled') return 'disabled';
  if (!doc.online) return 'offline';
  if (doc.planStatus === 'limited') return 'limited';
  return doc.installed ? 'online' : 'not-installed';
}

const withStatus = (doc: ComputerDoc): ComputerDoc => {
  const status = statusOf(doc);
  return { ...doc, status, statusRank: STATUS_RANK[status] };
};

const withItem = (list: readonly string[], item: string): readonly string[] => (list.includes(item) ? list : [...list, item]);
const without = (list: readonly string[], item: string): readonly string[] => list.filter((x) => x !== item);

function placed(doc: ComputerDoc | null, event: ComputerEvent): ComputerDoc {
  if (!doc) throw new Error(`${event.type} before ComputerEnrolled for ${event.data.computerId}`);
  return doc;
}

/**
 * Indexes behind every list view: each sort key alone and behind each grouping key, ending with
 * `id` (range pagination), the favourites of a user, and the plan sweep.
 */
const SORT_KEYS = ['nameLower', 'lastUseKey', 'addedAt'] as const;
const GROUP_KEYS = ['initial', 'statusRank', 'groupKey', 'favouriteOf'] as const;
export const COMPUTER_LIST_INDEXES = [
  ...SORT_KEYS.map((key) => ({ keys: { [key]: 1, id: 1 } as Record<string, 1> })),
  ...GROUP_KEYS.flatMap((group) => SORT_KEYS.map((key) => ({ keys: { [group]: 1, [key]: 1, id: 1 } as Record<string, 1> }))),
  { keys: { planStatus: 1, limitedUntil: 1 } as Record<string, 1> },
];

/** The computers of a tenant with what the list and details views show, sort and group by. */
export const computerListProjection: Projection<ComputerDoc> = {
  name: COMPUTER_LIST,
  version: 1,
  canHandle: COMPUTER_EVENT_TYPES,
  indexes: COMPUTER_LIST_INDEXES,
  docId: (event) => (event.data as { computerId: string }).computerId,
  evolve(doc, projected) {
    const event = projected as unknown as ComputerEvent & ProjectedEvent;
    switch (event.type) {
      case 'ComputerEnrolled': {
        const d = event.data;
        return withStatus({
          id: d.computerId,
          tenantId: projected.metadata.tenantId,
          accountId: d.accountId,
          ownerUserId: d.ownerUserId,
          visibility: 'owner',
          sharedWith: [],
          favouriteOf: [],
          groupId: null,
          groupKey: '',
          name: d.name,
          nameLower: foldText(d.name),
          nameSource: 'agent',
          initial: initialOf(d.name),
          online: false,
          status: 'offline',
          statusRank: STATUS_RANK.offline,
          planStatus: d.planStatus,
          limitedUntil: d.limitedUntil ?? null,
          os: d.facts.os,
          hostname: d.facts.hostname,
          agentVersion: d.facts.agentVersion,
          loggedInUser: d.facts.loggedInUser,
          installed: d.facts.installed,
          allowAgentConfigWithoutAdmin: false,
          method: d.method,
          ip: d.ip ?? null,
          city: null,
          cityLower: '',
          country: null,
          lastConnectedAt: null,
          lastUseKey: '',
          lastSeenAt: null,
          addedAt: d.enrolledAt,
          updatedAt: d.enrolledAt,
        });
      }
      case 'ComputerRenamed': {
        const { name, source, renamedAt } = event.data;
        return { ...placed(doc, event), name, nameLower: foldText(name), initial: initialOf(name), nameSource: source, updatedAt: renamedAt };
      }
      case 'ComputerMovedToGroup':
        return { ...placed(doc, event), groupId: event.data.groupId, groupKey: event.data.groupId ?? '', updatedAt: event.data.movedAt };
      case 'ComputerFavourited': {
        const current = placed(doc, event);
        return { ...current, favouriteOf: withItem(current.favouriteOf, event.data.userId), updatedAt: event.data.favouritedAt };
      }
      case 'ComputerUnfavourited': {
        const current = placed(doc, event);
        return { ...current, favouriteOf: without(current.favouriteOf, event.data.userId), updatedAt: event.data.unfavouritedAt };
      }
      case 'ComputerShared': {
        const current = placed(doc, event);
        return { ...current, sharedWith: withItem(current.sharedWith, event.data.userId), updatedAt: event.data.sharedAt };
      }
      case 'ComputerUnshared': {
        const current = placed(doc, event);
        return { ...current, sharedWith: without(current.sharedWith, event.data.userId), updatedAt: event.data.unsharedAt };
      }
      case 'ComputerVisibilityChanged':
        return { ...placed(doc, event), visibility: event.data.visibility, updatedAt: event.data.changedAt };
      case 'ComputerAgentConfigPolicyChanged':
        return { ...placed(doc, event), allowAgentConfigWithoutAdmin: event.data.allowWithoutAdmin, updatedAt: event.data.changedAt };
      case 'ComputerWentOnline': {
        const d = event.data;
        return withStatus({
          ...placed(doc, event),
          online: true,
          ip: d.ip,
          city: d.city,
          cityLower: d.city === null ? '' : foldText(d.city),
          country: d.country,
          lastConnectedAt: d.wentOnlineAt,
          lastUseKey: d.wentOnlineAt,
          updatedAt: d.wentOnlineAt,
        });
      }
      case 'ComputerWentOffline':
        return withStatus({ ...placed(doc, event), online: false, lastSeenAt: event.data.wentOfflineAt, updatedAt: event.data.wentOfflineAt });
      case 'ComputerFactsChanged': {
        const f = event.data.facts;
        return withStatus({
          ...placed(doc, event),
          os: f.os,
          hostname: f.hostname,
          agentVersion: f.agentVersion,
          loggedInUser: f.loggedInUser,
          installed: f.installed,
          updatedAt: event.data.changedAt,
        });
      }
      case 'ComputerPlanStatusChanged':
        return withStatus({
          ...placed(doc, event),
          planStatus: event.data.planStatus,
          limitedUntil: event.data.limitedUntil ?? null,
          updatedAt: event.data.changedAt,
        });
      case 'ComputerRemoved':
        return null;
      default:
        return assertNever(event, 'computer event');
    }
  },
};
