import type { Command } from '../shared/event';
import type { EnrollmentTokenKind } from './account-plan.events';
import type { AccountKind } from './account.state';

/** Operators set the number of computers an account's plan includes. */
export type SetAccountComputerLimit = Command<'SetAccountComputerLimit', { accountId: string; limit: number }>;

/**
 * Takes a plan slot for a new computer. Exactly one of `ownerUserId` (the application checked that
 * user's password) and `token` (the hash of an enrollment token or add-computer link, used here in
 * the same append) says who the computer belongs to. `defaultLimits` are the configured defaults
 * for accounts whose limit no operator set; the domain's defaults of each kind otherwise.
 */
export type AllocateComputerSlot = Command<
  'AllocateComputerSlot',
  {
    accountId: string;
    computerId: string;
    ownerUserId?: string;
    token?: { tokenHash: string; kind: EnrollmentTokenKind };
    defaultLimits?: Readonly<Partial<Record<AccountKind, number>>>;
  }
>;

export type ReleaseComputerSlot = Command<'ReleaseComputerSlot', { accountId: string; computerId: string }>;

/** The application generated the token and hands over only its hash. */
export type IssueEnrollmentToken = Command<'IssueEnrollmentToken', { accountId: string; tokenHash: string; kind: EnrollmentTokenKind }>;

export type RevokeEnrollmentToken = Command<'RevokeEnrollmentToken', { accountId: string; tokenHash: string }>;

export type AccountPlanCommand =
  | SetAccountComputerLimit
  | AllocateComputerSlot
  | ReleaseComputerSlot
  | IssueEnrollmentToken
  | RevokeEnrollmentToken;
