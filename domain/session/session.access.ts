import { isAccountAdmin } from '../computer/computer.access';
import type { Principal } from '../shared/event';

/** What the session access rules need to know; both the decider's state and the history row have it. */
export interface SessionAccessFacts {
  readonly accountId: string;
  readonly ownerUserId: string;
  /** Every user who ever joined it as a viewer. */
  readonly technicians: readonly string[];
}

const isUserOf = (principal: Principal, accountId: string): boolean => principal.kind === 'user' && principal.tenantId === accountId;

/** The technician whose console, link, code or permalink opened it. */
export const isSessionOwner = (principal: Principal, s: SessionAccessFacts): boolean => isUserOf(principal, s.accountId) && principal.id === s.ownerUserId;

/** Its owner, or a technician who already joined it. */
export const isSessionTechnician = (principal: Principal, s: SessionAccessFacts): boolean =>
  isSessionOwner(principal, s) || (isUserOf(principal, s.accountId) && s.technicians.includes(principal.id));

/** "Show all sessions": account owners, admins and operators see and join their colleagues' sessions. */
export const mayOverseeSessions = (principal: Principal, accountId: string): boolean => isAccountAdmin(principal, accountId);

/** Who may see and join a session: its technicians, or someone who oversees the account's sessions. */
export const mayJoinSession = (principal: Principal, s: SessionAccessFacts): boolean =>
  isSessionTechnician(principal, s) || mayOverseeSessions(principal, s.accountId);

/** Who may end it: the same people; the reason says which (`technician` or `admin`). */
export const mayEndSession = mayJoinSession;
