import { deciderSpec } from '../../tests/kit/decider-spec';
import type { Principal } from '../shared/event';
import type { ComputerGroupCommand } from './computer-groups.commands';
import { COMPUTER_GROUP_DEPTH_MAX, computerGroupsDecider } from './computer-groups.decide';
import type { ComputerGroupEvent } from './computer-groups.events';

const now = '2026-11-21T10:00:00.000Z';
const tech: Principal = { kind: 'user', id: 'u1', tenantId: 'a1', role: 'technician' };
const stranger: Principal = { kind: 'user', id: 'u9', tenantId: 'a2', role: 'owner' };
const agent: Principal = { kind: 'agent', id: 'c1', tenantId: 'a1' };
const spec = deciderSpec(computerGroupsDecider);

const added = (groupId: string, name: string, parentId: string | null = null): ComputerGroupEvent => ({
  type: 'ComputerGroupAdded',
  data: { accountId: 'a1', groupId, name, parentId, addedAt: now },
});
const cmd = (type: ComputerGroupCommand['type'], data: Record<string, unknown>, principal: Principal = tech): ComputerGroupCommand =>
  ({ type, data: { accountId: 'a1', ...data }, context: { now, principal } }) as ComputerGroupCommand;

// Paris > Floor 1 > Room 101; Lyon
const tree = [added('paris', 'Paris'), added('f1', 'Floor 1', 'paris'), added('r101', 'Room 101', 'f1'), added('lyon', 'Lyon')];

describe('Computer groups decider', () => {
  it('adds top-level groups and subgroups with trimmed names', () => {
    spec.given([]).when(cmd('AddComputerGroup', { groupId: 'paris', name: ' Paris ', parentId: null })).then([added('paris', 'Paris')]);
    spec.given(tree).when(cmd('AddComputerGroup', { groupId: 'f2', name: 'Floor 2', parentId: 'paris' })).then([added('f2', 'Floor 2', 'paris')]);
  });

  it('refuses an unknown parent, a sibling with the same name (case ignored), a bad name, a taken id', () => {
    spec.given(tree).when(cmd('AddComputerGroup', { groupId: 'x', name: 'X', parentId: 'nowhere' })).thenThrows('COMPUTER_GROUP_NOT_FOUND');
    spec.given(tree).when(cmd('AddComputerGroup', { groupId: 'x', name: 'floor 1', parentId: 'paris' })).thenThrows('COMPUTER_GROUP_ALREADY_EXISTS');
    spec.given(tree).when(cmd('AddComputerGroup', { groupId: 'x', name: 'Floor 1', parentId: 'lyon' })).then([added('x', 'Floor 1', 'lyon')]);
    for (const name of ['', ' ', 'x'.repeat(65), 'a\tb']) {
      spec.given(tree).when(cmd('AddComputerGroup', { groupId: 'x', name, parentId: null })).thenThrows('COMPUTER_GROUP_NAME_INVALID');
    }
    spec.given(tree).when(cmd('AddComputerGroup', { groupId: 'lyon', name: 'Other', parentId: null })).thenThrows('COMPUTER_GROUP_ALREADY_EXISTS');
  });

  it('nests at most eight levels', () => {
    const chain: ComputerGroupEvent[] = Array.from({ length: COMPUTER_GROUP_DEPTH_MAX }, (_, i) => added(`l${i}`, `Level ${i}`, i === 0 ? null : `l${i - 1}`));
    spec.given(chain).when(cmd('AddComputerGroup', { groupId: 'deep', name: 'Deep', parentId: `l${COMPUTER_GROUP_DEPTH_MAX - 1}` })).thenThrows('COMPUTER_GROUP_TOO_DEEP');
    spec.given([...chain, added('other', 'Other'), added('other2', 'Other 2', 'other')]).when(cmd('MoveComputerGroup', { groupId: 'other', parentId: 'l6' })).thenThrows('COMPUTER_GROUP_TOO_DEEP');
  });

  it('is organized by users of the account only', () => {
    spec.given(tree).when(cmd('AddComputerGroup', { groupId: 'x', name: 'X', parentId: null }, stranger)).thenThrows('COMPUTER_GROUP_FORBIDDEN');
    spec.given(tree).when(cmd('RenameComputerGroup', { groupId: 'lyon', name: 'X' }, agent)).thenThrows('COMPUTER_GROUP_FORBIDDEN');
  });

  it('renames a group; the same name records nothing; a sibling name is refused', () => {
    spec
      .given(tree)
      .when(cmd('RenameComputerGroup', { groupId: 'lyon', name: 'Lyon Part-Dieu' }))
      .then([{ type: 'ComputerGroupRenamed', data: { accountId: 'a1', groupId: 'lyon', name: 'Lyon Part-Dieu', renamedAt: now } }]);
    spec.given(tree).when(cmd('RenameComputerGroup', { groupId: 'lyon', name: 'Lyon' })).then([]);
    spec.given(tree).when(cmd('RenameComputerGroup', { groupId: 'lyon', name: 'PARIS' })).thenThrows('COMPUTER_GROUP_ALREADY_EXISTS');
    spec.given(tree).when(cmd('RenameComputerGroup', { groupId: 'nope', name: 'X' })).thenThrows('COMPUTER_GROUP_NOT_FOUND');
  });

  it('moves a group with its subtree, to another group or to the top', () => {
    spec
      .given(tree)
      .when(cmd('MoveComputerGroup', { groupId: 'f1', parentId: 'lyon' }))
      .then([{ type: 'ComputerGroupMoved', data: { accountId: 'a1', groupId: 'f1', parentId: 'lyon', movedAt: now } }]);
    spec
      .given(tree)
      .when(cmd('MoveComputerGroup', { groupId: 'r101', parentId: null }))
      .then([{ type: 'ComputerGroupMoved', data: { accountId: 'a1', groupId: 'r101', parentId: null, movedAt: now } }]);
    spec.given(tree).when(cmd('MoveComputerGroup', { groupId: 'f1', parentId: 'paris' })).then([]);
  });

  it('refuses a move under itself or one of its descendants (a cycle)', () => {
    spec.given(tree).when(cmd('MoveComputerGroup', { groupId: 'paris', parentId: 'paris' })).thenThrows('COMPUTER_GROUP_CYCLE');
    spec.given(tree).when(cmd('MoveComputerGroup', { groupId: 'paris', parentId: 'r101' })).thenThrows('COMPUTER_GROUP_CYCLE');
    spec.given(tree).when(cmd('MoveComputerGroup', { groupId: 'paris', parentId: 'nowhere' })).thenThrows('COMPUTER_GROUP_NOT_FOUND');
  });

  it('refuses a move next to a sibling with the same name', () => {
    spec.given([...tree, added('f1-lyon', 'Floor 1', 'lyon')]).when(cmd('MoveComputerGroup', { groupId: 'f1', parentId: 'lyon' })).thenThrows('COMPUTER_GROUP_ALREADY_EXISTS');
  });

  it('deletes only an empty group: no subgroups, no computers', () => {
    spec
      .given(tree)
      .when(cmd('DeleteComputerGroup', { groupId: 'r101', computersInGroup: 0 }))
      .then([{ type: 'ComputerGroupDeleted', data: { accountId: 'a1', groupId: 'r101', deletedAt: now } }]);
    spec.given(tree).when(cmd('DeleteComputerGroup', { groupId: 'f1', computersInGroup: 0 })).thenThrows('COMPUTER_GROUP_NOT_EMPTY');
    spec.given(tree).when(cmd('DeleteComputerGroup', { groupId: 'lyon', computersInGroup: 2 })).thenThrows('COMPUTER_GROUP_NOT_EMPTY');
    spec.given(tree).when(cmd('DeleteComputerGroup', { groupId: 'nope', computersInGroup: 0 })).thenThrows('COMPUTER_GROUP_NOT_FOUND');
  });

  it('forgets a deleted group: its name is free and it cannot be a parent', () => {
    const deleted: ComputerGroupEvent = { type: 'ComputerGroupDeleted', data: { accountId: 'a1', groupId: 'lyon', deletedAt: now } };
    spec.given([...tree, deleted]).when(cmd('AddComputerGroup', { groupId: 'lyon2', name: 'Lyon', parentId: null })).then([added('lyon2', 'Lyon')]);
    spec.given([...tree, deleted]).when(cmd('AddComputerGroup', { groupId: 'x', name: 'X', parentId: 'lyon' })).thenThrows('COMPUTER_GROUP_NOT_FOUND');
  });
});
