import type { Event } from '../shared/event';

/** A group of the account's tree; `parentId: null` is a top-level group. */
export type ComputerGroupAdded = Event<
  'ComputerGroupAdded',
  { accountId: string; groupId: string; name: string; parentId: string | null; addedAt: string }
>;

export type ComputerGroupRenamed = Event<'ComputerGroupRenamed', { accountId: string; groupId: string; name: string; renamedAt: string }>;

/** Under another group, or to the top (`parentId: null`), with everything it holds. */
export type ComputerGroupMoved = Event<'ComputerGroupMoved', { accountId: string; groupId: string; parentId: string | null; movedAt: string }>;

/** Only an empty group is deleted: no child groups, no computers. */
export type ComputerGroupDeleted = Event<'ComputerGroupDeleted', { accountId: string; groupId: string; deletedAt: string }>;

export type ComputerGroupEvent = ComputerGroupAdded | ComputerGroupRenamed | ComputerGroupMoved | ComputerGroupDeleted;

export const COMPUTER_GROUP_EVENT_TYPES: readonly ComputerGroupEvent['type'][] = [
  'ComputerGroupAdded',
  'ComputerGroupRenamed',
  'ComputerGroupMoved',
  'ComputerGroupDeleted',
];
