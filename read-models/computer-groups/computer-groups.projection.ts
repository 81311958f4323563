import { COMPUTER_GROUP_EVENT_TYPES, type ComputerGroupEvent } from '../../domain/computer-groups/computer-groups.events';
import { assertNever } from '../../domain/shared/event';
import type { Projection, ProjectedEvent } from '../projection';
import type { ComputerGroupsDoc } from './computer-groups.view';

export const COMPUTER_GROUPS = 'computer-groups';

/** The tree of computer groups of each account, one document per account. */
export const computerGroupsProjection: Projection<ComputerGroupsDoc> = {
  name: COMPUTER_GROUPS,
  version: 1,
  canHandle: COMPUTER_GROUP_EVENT_TYPES,
  docId: (event) => (event.data as { accountId: string }).accountId,
  evolve(doc, projected) {
    const event = projected as unknown as ComputerGroupEvent & ProjectedEvent;
    const current: ComputerGroupsDoc = doc ?? { id: event.data.accountId, tenantId: projected.metadata.tenantId, groups: [], updatedAt: '' };
    switch (event.type) {
      case 'ComputerGroupAdded': {
        const { groupId, name, parentId, addedAt } = event.data;
        const others = current.groups.filter((g) => g.id !== groupId);
        return { ...current, groups: [...others, { id: groupId, name, parentId }], updatedAt: addedAt };
      }
      case 'ComputerGroupRenamed':
        return {
          ...current,
          groups: current.groups.map((g) => (g.id === event.data.groupId ? { ...g, name: event.data.name } : g)),
          updatedAt: event.data.renamedAt,
        };
      case 'ComputerGroupMoved':
        return {
          ...current,
          groups: current.groups.map((g) => (g.id === event.data.groupId ? { ...g, parentId: event.data.parentId } : g)),
          updatedAt: event.data.movedAt,
        };
      case 'ComputerGroupDeleted':
        return { ...current, groups: current.groups.filter((g) => g.id !== event.data.groupId), updatedAt: event.data.deletedAt };
      default:
        return assertNever(event, 'computer group event');
    }
  },
};
