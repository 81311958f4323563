import { DomainError } from '../shared/domain-error';
import { assertNever, type Decider, type Principal } from '../shared/event';
import {
  allocateComputerSlot,
  issueEnrollmentToken,
  releaseComputerSlot,
  revokeEnrollmentToken,
  setAccountComputerLimit,
} from './account-plan.decide';
import type { AccountPlanCommand } from './account-plan.commands';
import type { AccountCommand, CloseAccount, DeleteAccount, RegisterAccount, RenameAccount, SetSessionRecording } from './account.commands';
import type { AccountEvent } from './account.events';
import { evolve, initialState, type AccountState, type AccountStreamEvent } from './account.state';

export const ACCOUNT_NAME_MAX = 100;

function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > ACCOUNT_NAME_MAX) {
    throw new DomainError('ACCOUNT_NAME_INVALID', `An account name has 1 to ${ACCOUNT_NAME_MAX} characters`);
  }
  return trimmed;
}

/** Only the account's owner or admin, or an operator acting in that tenant, may change an account. */
function assertMayManage(principal: Principal, accountId: string): void {
  const inTenant = principal.tenantId === accountId;
  const privileged = principal.role === 'owner' || principal.role === 'admin' || principal.role === 'operator';
  if (!inTenant || !privileged) {
    throw new DomainError('ACCOUNT_FORBIDDEN', 'You may not manage this account');
  }
}

function assertOpen(state: AccountState): asserts state is Extract<AccountState, { status: 'open' }> {
  if (state.status === 'none') throw new DomainError('ACCOUNT_NOT_FOUND', 'No such account');
  if (state.status === 'closed') throw new DomainError('ACCOUNT_CLOSED', 'The account is closed');
}

/** An account id is registered once; registering again is refused, not merged. Its owner is the user who registers it. */
export function registerAccount(command: RegisterAccount, state: AccountState): AccountEvent[] {
  if (state.status !== 'none') throw new DomainError('ACCOUNT_ALREADY_EXISTS', 'This account already exists');
  const { principal } = command.context;
  if (principal.tenantId !== command.data.accountId) {
    throw new DomainError('ACCOUNT_FORBIDDEN', 'An account is registered in its own tenant');
  }
  // A person registering names themself as owner; only an operator opens an account for someone else.
  if (command.data.ownerUserId !== undefined && principal.kind === 'user' && principal.role !== 'operator' && principal.id !== command.data.ownerUserId) {
    throw new DomainError('ACCOUNT_FORBIDDEN', 'A user registers an account they own');
  }
  return [
    {
      type: 'AccountRegistered',
      data: {
        accountId: command.data.accountId,
        name: validName(command.data.name),
        kind: command.data.kind,
        ...(command.data.ownerUserId === undefined ? {} : { ownerUserId: command.data.ownerUserId }),
        registeredAt: command.context.now,
      },
    },
  ];
}

/** Renaming to the current name records nothing. */
export function renameAccount(command: RenameAccount, state: AccountState): AccountEvent[] {
  assertOpen(state);
  assertMayManage(command.context.principal, state.accountId);
  const name = validName(command.data.name);
  if (name === state.name) return [];
  return [{ type: 'AccountRenamed', data: { accountId: state.accountId, name, renamedAt: command.context.now } }];
}

/** A closed account stays closed; its history stays for the audit. */
export function closeAccount(command: CloseAccount, state: AccountState): AccountEvent[] {
  assertOpen(state);
  assertMayManage(command.context.principal, state.accountId);
  return [{ type: 'AccountClosed', data: { accountId: state.accountId, closedAt: command.context.now } }];
}

/**
 * Only the account's owner deletes it, and only after confirming with the current password.
 * An account already closed records nothing more, so a deletion interrupted halfway can be run again
 * to finish erasing its users.
 */
export function deleteAccount(command: DeleteAccount, state: AccountState): AccountEvent[] {
  if (state.status === 'none') throw new DomainError('ACCOUNT_NOT_FOUND', 'No such account');
  const { principal } = command.context;
  const isOwner =
    principal.tenantId === state.accountId &&
    principal.kind === 'user' &&
    (state.ownerUserId === null ? principal.role === 'owner' : principal.id === state.ownerUserId);
  if (!isOwner) throw new DomainError('ACCOUNT_FORBIDDEN', 'Only the owner may delete the account');
  if (!command.data.passwordConfirmed) {
    throw new DomainError('ACCOUNT_DELETION_UNCONFIRMED', 'Deleting the account needs the current password');
  }
  if (state.status === 'closed') return [];
  return [
    {
      type: 'AccountClosed',
      data: { accountId: state.accountId, closedAt: command.context.now, reason: 'deleted', deletedBy: principal.id },
    },
  ];
}

/** The owner or an admin turns session recording on or off; the current setting records nothing. */
export function setSessionRecording(command: SetSessionRecording, state: AccountState): AccountEvent[] {
  assertOpen(state);
  const { principal } = command.context;
  const ownerOrAdmin = principal.kind === 'user' && (principal.role === 'owner' || principal.role === 'admin');
  if (principal.tenantId !== state.accountId || !(ownerOrAdmin || principal.role === 'operator')) {
    throw new DomainError('ACCOUNT_FORBIDDEN', 'Only the account owner or an admin sets session recording');
  }
  if (command.data.enabled === state.sessionRecording) return [];
  return [{ type: 'SessionRecordingChanged', data: { accountId: state.accountId, enabled: command.data.enabled, changedAt: command.context.now } }];
}

/** Every command of an account stream: its lifecycle and its computers plan. */
export type AccountStreamCommand = AccountCommand | AccountPlanCommand;

export function decide(command: AccountStreamCommand, state: AccountState): AccountStreamEvent[] {
  switch (command.type) {
    case 'RegisterAccount':
      return registerAccount(command, state);
    case 'RenameAccount':
      return renameAccount(command, state);
    case 'CloseAccount':
      return closeAccount(command, state);
    case 'DeleteAccount':
      return deleteAccount(command, state);
    case 'SetSessionRecording':
      return setSessionRecording(command, state);
    case 'SetAccountComputerLimit':
      return setAccountComputerLimit(command, state);
    case 'AllocateComputerSlot':
      return allocateComputerSlot(command, state);
    case 'ReleaseComputerSlot':
      return releaseComputerSlot(command, state);
    case 'IssueEnrollmentToken':
      return issueEnrollmentToken(command, state);
    case 'RevokeEnrollmentToken':
      return revokeEnrollmentToken(command, state);
    default:
      return assertNever(command, 'account command');
  }
}

export const accountDecider: Decider<AccountStreamCommand, AccountStreamEvent, AccountState> = { decide, evolve, initialState };
