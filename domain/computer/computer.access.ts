import type { Principal } from '../shared/event';
import type { ComputerVisibility } from './computer.events';

/** What access rules need to know about a computer; both the decider's state and the list document have it. */
export interface ComputerAccessFacts {
  readonly accountId: string;
  readonly ownerUserId: string;
  readonly sharedWith: readonly string[];
  readonly visibility: ComputerVisibility;
}

/** Account owners and admins, and operators acting in the tenant, administer every computer of the account. */
export function isAccountAdmin(principal: Principal, accountId: string): boolean {
  return principal.tenantId === accountId && (principal.role === 'owner' || principal.role === 'admin' || principal.role === 'operator');
}

const isUserOf = (principal: Principal, accountId: string): boolean => principal.kind === 'user' && principal.tenantId === accountId;

export const isComputerOwner = (principal: Principal, c: ComputerAccessFacts): boolean =>
  isUserOf(principal, c.accountId) && principal.id === c.ownerUserId;

/** Owner or account admin: may share, remove. */
export const mayAdminister = (principal: Principal, c: ComputerAccessFacts): boolean =>
  isComputerOwner(principal, c) || isAccountAdmin(principal, c.accountId);

/** Owner, admin, or a user it is shared with: may rename, group, set its agent policy. */
export const mayManage = (principal: Principal, c: ComputerAccessFacts): boolean =>
  mayAdminister(principal, c) || (isUserOf(principal, c.accountId) && c.sharedWith.includes(principal.id));

/** Whoever may manage it, plus every user of the account when its visibility is `everyone`. */
export const maySee = (principal: Principal, c: ComputerAccessFacts): boolean =>
  mayManage(principal, c) || (isUserOf(principal, c.accountId) && c.visibility === 'everyone');
