import { DomainError } from '../shared/domain-error';
import type { Principal } from '../shared/event';
import { addMilliseconds, hasExpired } from '../user/user.time';
import type {
  AllocateComputerSlot,
  IssueEnrollmentToken,
  ReleaseComputerSlot,
  RevokeEnrollmentToken,
  SetAccountComputerLimit,
} from './account-plan.commands';
import type { AccountPlanEvent, SlotPlanStatus } from './account-plan.events';
import type { AccountKind, AccountState } from './account.state';

/** Computers included in a plan until an operator sets another number. */
export const DEFAULT_COMPUTER_LIMITS: Readonly<Record<AccountKind, number>> = { 'client-space': 3, msp: 50 };
export const COMPUTER_LIMIT_MAX = 1_000_000;
/** A computer over the limit for the first time keeps access this long after it was added. */
export const LIMITED_GRACE_MS = 10 * 24 * 60 * 60 * 1000;
/** An add-computer link works for 48 hours. */
export const ADD_COMPUTER_LINK_TTL_MS = 48 * 60 * 60 * 1000;

const SHA256_HEX = /^[0-9a-f]{64}$/;

type OpenAccount = Extract<AccountState, { status: 'open' }>;

function assertOpen(state: AccountState): asserts state is OpenAccount {
  if (state.status === 'none') throw new DomainError('ACCOUNT_NOT_FOUND', 'No such account');
  if (state.status === 'closed') throw new DomainError('ACCOUNT_CLOSED', 'The account is closed');
}

function assertInTenant(principal: Principal, accountId: string): void {
  if (principal.tenantId !== accountId) throw new DomainError('ACCOUNT_FORBIDDEN', 'This belongs to another account');
}

const isAdmin = (principal: Principal): boolean => principal.role === 'owner' || principal.role === 'admin' || principal.role === 'operator';

/** The limit in force: an operator's, else the configured default of the account's kind, else the domain's. */
export function computerLimitOf(state: OpenAccount, defaultLimits: Readonly<Partial<Record<AccountKind, number>>> = {}): number {
  return state.plan.computerLimit ?? defaultLimits[state.kind] ?? DEFAULT_COMPUTER_LIMITS[state.kind];
}

/** Only an operator changes what a plan includes. Setting the current limit records nothing. */
export function setAccountComputerLimit(command: SetAccountComputerLimit, state: AccountState): AccountPlanEvent[] {
  assertOpen(state);
  const { principal } = command.context;
  assertInTenant(principal, state.accountId);
  if (principal.role !== 'operator') throw new DomainError('ACCOUNT_FORBIDDEN', 'Only an operator sets the plan\'s computer limit');
  const { limit } = command.data;
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > COMPUTER_LIMIT_MAX) {
    throw new DomainError('ACCOUNT_COMPUTER_LIMIT_INVALID', `A computer limit is a whole number from 0 to ${COMPUTER_LIMIT_MAX}`);
  }
  if (state.plan.computerLimit === limit) return [];
  return [{ type: 'AccountComputerLimitSet', data: { accountId: state.accountId, limit, setAt: command.context.now } }];
}

/**
 * Checks a token for one enrollment: it must exist with the kind the agent presented, not be
 * revoked, not be expired, and, for an add-computer link, not have been used.
 */
function usableToken(state: OpenAccount, token: NonNullable<AllocateComputerSlot['data']['token']>, now: string) {
  const found = Object.prototype.hasOwnProperty.call(state.plan.tokens, token.tokenHash) ? state.plan.tokens[token.tokenHash] : undefined;
  if (!found || found.kind !== token.kind) {
    throw new DomainError('ENROLLMENT_TOKEN_INVALID', 'This enrollment token or add-computer link is not valid for this account');
  }
  if (found.revoked) throw new DomainError('ENROLLMENT_TOKEN_REVOKED', 'This enrollment token was revoked; download the agent again');
  if (found.expiresAt !== null && hasExpired(found.expiresAt, now)) {
    throw new DomainError('ENROLLMENT_TOKEN_EXPIRED', 'This add-computer link has expired (links work for 48 hours); ask for a new one');
  }
  if (found.kind === 'add-computer-link' && found.uses > 0) {
    throw new DomainError('ENROLLMENT_TOKEN_USED', 'This add-computer link has already been used; ask for a new one');
  }
  return found;
}

/**
 * A new computer takes a slot. Within the limit it is `ok`; the first time the limit is exceeded
 * it is `limited` for 10 days; every later one over the limit is `disabled`. A token used here is
 * recorded in the same append, so a single-use link cannot enroll two computers.
 */
export function allocateComputerSlot(command: AllocateComputerSlot, state: AccountState): AccountPlanEvent[] {
  assertOpen(state);
  const { principal, now } = command.context;
  assertInTenant(principal, state.accountId);
  const { computerId, ownerUserId, token, defaultLimits } = command.data;
  if ((ownerUserId === undefined) === (token === undefined)) {
    throw new DomainError('ACCOUNT_SLOT_INVALID', 'A slot is taken either for a user or with a token, not both or neither');
  }
  const events: AccountPlanEvent[] = [];
  let owner: string;
  if (token) {
    owner = usableToken(state, token, now).issuedBy;
    events.push({ type: 'AccountEnrollmentTokenUsed', data: { accountId: state.accountId, tokenHash: token.tokenHash, computerId, usedAt: now } });
  } else {
    owner = ownerUserId as string;
  }
  const limit = computerLimitOf(state, defaultLimits);
  const planStatus: SlotPlanStatus = state.plan.heldSlots < limit ? 'ok' : state.plan.limitedUsed ? 'disabled' : 'limited';
  events.push({
    type: 'AccountComputerSlotAllocated',
    data: {
      accountId: state.accountId,
      computerId,
      ownerUserId: owner,
      planStatus,
      ...(planStatus === 'limited' ? { limitedUntil: addMilliseconds(now, LIMITED_GRACE_MS) } : {}),
      allocatedAt: now,
    },
  });
  return events;
}

/** A removed computer gives its slot back; with no slot held there is nothing to give. */
export function releaseComputerSlot(command: ReleaseComputerSlot, state: AccountState): AccountPlanEvent[] {
  if (state.status === 'none') throw new DomainError('ACCOUNT_NOT_FOUND', 'No such account');
  assertInTenant(command.context.principal, state.accountId);
  if (state.plan.heldSlots === 0) return [];
  return [{ type: 'AccountComputerSlotReleased', data: { accountId: state.accountId, computerId: command.data.computerId, releasedAt: command.context.now } }];
}

/**
 * Any user of the account (and an operator) issues tokens that enroll computers as theirs:
 * add-computer links expire after 48 hours, auto-connect tokens when revoked.
 */
export function issueEnrollmentToken(command: IssueEnrollmentToken, state: AccountState): AccountPlanEvent[] {
  assertOpen(state);
  const { principal, now } = command.context;
  assertInTenant(principal, state.accountId);
  if (principal.kind !== 'user' && principal.role !== 'operator') {
    throw new DomainError('ACCOUNT_FORBIDDEN', 'Only a user of the account issues enrollment tokens');
  }
  const { tokenHash, kind } = command.data;
  if (!SHA256_HEX.test(tokenHash) || (kind !== 'enrollment-token' && kind !== 'add-computer-link')) {
    throw new DomainError('ENROLLMENT_TOKEN_INVALID', 'A token is issued as its SHA-256 and a known kind');
  }
  if (Object.prototype.hasOwnProperty.call(state.plan.tokens, tokenHash)) {
    throw new DomainError('ENROLLMENT_TOKEN_ALREADY_EXISTS', 'This token was already issued');
  }
  const expiresAt = kind === 'add-computer-link' ? addMilliseconds(now, ADD_COMPUTER_LINK_TTL_MS) : null;
  return [{ type: 'AccountEnrollmentTokenIssued', data: { accountId: state.accountId, tokenHash, kind, expiresAt, issuedBy: principal.id, issuedAt: now } }];
}

/** Its issuer or an admin revokes a token; revoking it again records nothing. */
export function revokeEnrollmentToken(command: RevokeEnrollmentToken, state: AccountState): AccountPlanEvent[] {
  assertOpen(state);
  const { principal, now } = command.context;
  assertInTenant(principal, state.accountId);
  const { tokenHash } = command.data;
  const token = Object.prototype.hasOwnProperty.call(state.plan.tokens, tokenHash) ? state.plan.tokens[tokenHash] : undefined;
  if (!token) throw new DomainError('ENROLLMENT_TOKEN_NOT_FOUND', 'No such enrollment token');
  if (token.issuedBy !== principal.id && !isAdmin(principal)) {
    throw new DomainError('ACCOUNT_FORBIDDEN', 'Only its issuer or an admin revokes a token');
  }
  if (token.revoked) return [];
  return [{ type: 'AccountEnrollmentTokenRevoked', data: { accountId: state.accountId, tokenHash, revokedBy: principal.id, revokedAt: now } }];
}
