import { assertNever } from '../shared/event';
import type { ComputerGroupEvent } from './computer-groups.events';

export interface ComputerGroupNode {
  readonly name: string;
  readonly parentId: string | null;
}

/** The whole tree of one account, by group id. An account that never made a group has an empty tree. */
export interface ComputerGroupsState {
  readonly groups: Readonly<Record<string, ComputerGroupNode>>;
}

export const initialState = (): ComputerGroupsState => ({ groups: {} });

function withGroup(state: ComputerGroupsState, groupId: string, change: (node: ComputerGroupNode) => ComputerGroupNode): ComputerGroupsState {
  const node = state.groups[groupId];
  return node ? { groups: { ...state.groups, [groupId]: change(node) } } : state;
}

export function evolve(state: ComputerGroupsState, event: ComputerGroupEvent): ComputerGroupsState {
  switch (event.type) {
    case 'ComputerGroupAdded':
      return { groups: { ...state.groups, [event.data.groupId]: { name: event.data.name, parentId: event.data.parentId } } };
    case 'ComputerGroupRenamed':
      return withGroup(state, event.data.groupId, (node) => ({ ...node, name: event.data.name }));
    case 'ComputerGroupMoved':
      return withGroup(state, event.data.groupId, (node) => ({ ...node, parentId: event.data.parentId }));
    case 'ComputerGroupDeleted': {
      const groups = { ...state.groups };
      delete groups[event.data.groupId];
      return { groups };
    }
    default:
      return assertNever(event, 'computer group event');
  }
}

export const hasGroup = (state: ComputerGroupsState, groupId: string): boolean => Object.prototype.hasOwnProperty.call(state.groups, groupId);

/** The ids from the group up to its top-level ancestor (the group first). */
export function ancestry(state: ComputerGroupsState, groupId: string): string[] {
  const chain: string[] = [];
  let current: string | null = groupId;
  while (current !== null && hasGroup(state, current) && !chain.includes(current)) {
    chain.push(current);
    current = state.groups[current].parentId;
  }
  return chain;
}

/** Levels under the group, the group itself counting as one. */
export function subtreeHeight(state: ComputerGroupsState, groupId: string): number {
  const children = Object.keys(state.groups).filter((id) => state.groups[id].parentId === groupId);
  return 1 + Math.max(0, ...children.map((child) => subtreeHeight(state, child)));
}
