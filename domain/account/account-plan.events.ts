import type { Event } from '../shared/event';

/** How a computer's enrollment was authorised without the owner's password. */
export type EnrollmentTokenKind = 'enrollment-token' | 'add-computer-link';

export type SlotPlanStatus = 'ok' | 'limited' | 'disabled';

/** An operator set how many computers the account's plan includes (it replaces the default of its kind). */
export type AccountComputerLimitSet = Event<'AccountComputerLimitSet', { accountId: string; limit: number; setAt: string }>;

/**
 * A computer took a slot of the plan. Over the limit for the first time it is `limited` until
 * `limitedUntil` (10 days after it was added); over the limit after that, `disabled`.
 * `ownerUserId` is whom the computer belongs to: the user who enrolled it, or who issued the token.
 */
export type AccountComputerSlotAllocated = Event<
  'AccountComputerSlotAllocated',
  {
    accountId: string;
    computerId: string;
    ownerUserId: string;
    planStatus: SlotPlanStatus;
    limitedUntil?: string;
    allocatedAt: string;
  }
>;

/** A removed computer gave its slot back. */
export type AccountComputerSlotReleased = Event<'AccountComputerSlotReleased', { accountId: string; computerId: string; releasedAt: string }>;

/**
 * A random token (at least 128 bits) that enrolls computers into the account; only its SHA-256 is
 * kept. Add-computer links expire after 48 hours and work once; auto-connect tokens baked into
 * downloads have no expiry (`expiresAt: null`) and work until revoked.
 */
export type AccountEnrollmentTokenIssued = Event<
  'AccountEnrollmentTokenIssued',
  { accountId: string; tokenHash: string; kind: EnrollmentTokenKind; expiresAt: string | null; issuedBy: string; issuedAt: string }
>;

export type AccountEnrollmentTokenUsed = Event<
  'AccountEnrollmentTokenUsed',
  { accountId: string; tokenHash: string; computerId: string; usedAt: string }
>;

export type AccountEnrollmentTokenRevoked = Event<
  'AccountEnrollmentTokenRevoked',
  { accountId: string; tokenHash: string; revokedBy: string; revokedAt: string }
>;

export type AccountPlanEvent =
  | AccountComputerLimitSet
  | AccountComputerSlotAllocated
  | AccountComputerSlotReleased
  | AccountEnrollmentTokenIssued
  | AccountEnrollmentTokenUsed
  | AccountEnrollmentTokenRevoked;

export const ACCOUNT_PLAN_EVENT_TYPES: readonly AccountPlanEvent['type'][] = [
  'AccountComputerLimitSet',
  'AccountComputerSlotAllocated',
  'AccountComputerSlotReleased',
  'AccountEnrollmentTokenIssued',
  'AccountEnrollmentTokenUsed',
  'AccountEnrollmentTokenRevoked',
];
