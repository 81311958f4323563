import type { Command } from '../shared/event';

/** The application makes the group id. */
export type AddComputerGroup = Command<'AddComputerGroup', { accountId: string; groupId: string; name: string; parentId: string | null }>;
export type RenameComputerGroup = Command<'RenameComputerGroup', { accountId: string; groupId: string; name: string }>;
export type MoveComputerGroup = Command<'MoveComputerGroup', { accountId: string; groupId: string; parentId: string | null }>;

/**
 * `computersInGroup` is how many computers the application found in the group (from the computer
 * list); the decider refuses to delete a group that still holds any.
 */
export type DeleteComputerGroup = Command<'DeleteComputerGroup', { accountId: string; groupId: string; computersInGroup: number }>;

export type ComputerGroupCommand = AddComputerGroup | RenameComputerGroup | MoveComputerGroup | DeleteComputerGroup;
