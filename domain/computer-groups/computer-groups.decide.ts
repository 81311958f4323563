import { DomainError } from '../shared/domain-error';
import { assertNever, type Decider, type Principal } from '../shared/event';
import type {
  AddComputerGroup,
  ComputerGroupCommand,
  DeleteComputerGroup,
  MoveComputerGroup,
  RenameComputerGroup,
} from './computer-groups.commands';
import type { ComputerGroupEvent } from './computer-groups.events';
import { ancestry, evolve, hasGroup, initialState, subtreeHeight, type ComputerGroupsState } from './computer-groups.state';

export const COMPUTER_GROUP_NAME_MAX = 64;
/** Enough for offices, floors and departments; few enough that the whole tree travels in one document. */
export const COMPUTER_GROUPS_MAX = 1000;
export const COMPUTER_GROUP_DEPTH_MAX = 8;

// Control characters have no place in a name shown in a tree.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function validName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > COMPUTER_GROUP_NAME_MAX || CONTROL_CHARACTERS.test(trimmed)) {
    throw new DomainError('COMPUTER_GROUP_NAME_INVALID', `A group name has 1 to ${COMPUTER_GROUP_NAME_MAX} printable characters`);
  }
  return trimmed;
}

/** Every user of the account organizes its groups (support agents make them); an operator may too. */
function assertMayOrganize(principal: Principal, accountId: string): void {
  if (principal.tenantId !== accountId || (principal.kind !== 'user' && principal.role !== 'operator')) {
    throw new DomainError('COMPUTER_GROUP_FORBIDDEN', 'Only users of the account organize its groups');
  }
}

function assertExists(state: ComputerGroupsState, groupId: string): void {
  if (!hasGroup(state, groupId)) throw new DomainError('COMPUTER_GROUP_NOT_FOUND', 'No such group');
}

/** Two groups under the same parent never share a name (compared without case), so a path names one group. */
function assertNameFree(state: ComputerGroupsState, parentId: string | null, name: string, except?: string): void {
  const lower = name.toLowerCase();
  const taken = Object.entries(state.groups).some(([id, node]) => id !== except && node.parentId === parentId && node.name.toLowerCase() === lower);
  if (taken) throw new DomainError('COMPUTER_GROUP_ALREADY_EXISTS', `A group named ${JSON.stringify(name)} is already there`);
}

function assertDepth(state: ComputerGroupsState, parentId: string | null, height: number): void {
  const depth = (parentId === null ? 0 : ancestry(state, parentId).length) + height;
  if (depth > COMPUTER_GROUP_DEPTH_MAX) {
    throw new DomainError('COMPUTER_GROUP_TOO_DEEP', `Groups nest at most ${COMPUTER_GROUP_DEPTH_MAX} levels deep`);
  }
}

/** A new group, at the top or under an existing one, with a name free among its siblings. */
export function addComputerGroup(command: AddComputerGroup, state: ComputerGroupsState): ComputerGroupEvent[] {
  const { accountId, groupId, parentId } = command.data;
  assertMayOrganize(command.context.principal, accountId);
  if (hasGroup(state, groupId)) throw new DomainError('COMPUTER_GROUP_ALREADY_EXISTS', 'This group already exists');
  if (Object.keys(state.groups).length >= COMPUTER_GROUPS_MAX) {
    throw new DomainError('COMPUTER_GROUP_LIMIT_REACHED', `An account has at most ${COMPUTER_GROUPS_MAX} groups`);
  }
  if (parentId !== null) assertExists(state, parentId);
  const name = validName(command.data.name);
  assertNameFree(state, parentId, name);
  assertDepth(state, parentId, 1);
  return [{ type: 'ComputerGroupAdded', data: { accountId, groupId, name, parentId, addedAt: command.context.now } }];
}

/** The same name records nothing. */
export function renameComputerGroup(command: RenameComputerGroup, state: ComputerGroupsState): ComputerGroupEvent[] {
  const { accountId, groupId } = command.data;
  assertMayOrganize(command.context.principal, accountId);
  assertExists(state, groupId);
  const name = validName(command.data.name);
  const node = state.groups[groupId];
  if (name === node.name) return [];
  assertNameFree(state, node.parentId, name, groupId);
  return [{ type: 'ComputerGroupRenamed', data: { accountId, groupId, name, renamedAt: command.context.now } }];
}

/** A group moves with its subtree; never under itself or one of its own descendants. */
export function moveComputerGroup(command: MoveComputerGroup, state: ComputerGroupsState): ComputerGroupEvent[] {
  const { accountId, groupId, parentId } = command.data;
  assertMayOrganize(command.context.principal, accountId);
  assertExists(state, groupId);
  if (parentId !== null) {
    assertExists(state, parentId);
    if (ancestry(state, parentId).includes(groupId)) {
      throw new DomainError('COMPUTER_GROUP_CYCLE', 'A group cannot move under itself or one of its subgroups');
    }
  }
  const node = state.groups[groupId];
  if (node.parentId === parentId) return [];
  assertNameFree(state, parentId, node.name, groupId);
  assertDepth(state, parentId, subtreeHeight(state, groupId));
  return [{ type: 'ComputerGroupMoved', data: { accountId, groupId, parentId, movedAt: command.context.now } }];
}

/**
 * Only an empty group is deleted: subgroups and computers are moved out first, so a deletion never
 * silently regroups anything. (A computer moved in at the same moment shows as ungrouped.)
 */
export function deleteComputerGroup(command: DeleteComputerGroup, state: ComputerGroupsState): ComputerGroupEvent[] {
  const { accountId, groupId, computersInGroup } = command.data;
  assertMayOrganize(command.context.principal, accountId);
  assertExists(state, groupId);
  const hasChildren = Object.values(state.groups).some((node) => node.parentId === groupId);
  if (hasChildren || computersInGroup > 0) {
    throw new DomainError('COMPUTER_GROUP_NOT_EMPTY', 'Move its subgroups and computers out before deleting the group');
  }
  return [{ type: 'ComputerGroupDeleted', data: { accountId, groupId, deletedAt: command.context.now } }];
}

export function decide(command: ComputerGroupCommand, state: ComputerGroupsState): ComputerGroupEvent[] {
  switch (command.type) {
    case 'AddComputerGroup':
      return addComputerGroup(command, state);
    case 'RenameComputerGroup':
      return renameComputerGroup(command, state);
    case 'MoveComputerGroup':
      return moveComputerGroup(command, state);
    case 'DeleteComputerGroup':
      return deleteComputerGroup(command, state);
    default:
      return assertNever(command, 'computer group command');
  }
}

export const computerGroupsDecider: Decider<ComputerGroupCommand, ComputerGroupEvent, ComputerGroupsState> = { decide, evolve, initialState };
