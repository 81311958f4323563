import { DomainError } from '../shared/domain-error';
import { assertNever, type Decider, type Principal } from '../shared/event';
import { hasExpired } from '../user/user.time';
import { isAccountAdmin, isComputerOwner, mayAdminister, mayManage, maySee } from './computer.access';
import type {
  ComputerCommand,
  EnforceComputerPlan,
  EnrollComputer,
  FavouriteComputer,
  MarkComputerOffline,
  MarkComputerOnline,
  MoveComputerToGroup,
  RemoveComputer,
  RenameComputer,
  SetAgentConfigPolicy,
  SetAgentName,
  SetComputerVisibility,
  ShareComputer,
  UnfavouriteComputer,
  UnshareComputer,
  UpdateComputerFacts,
} from './computer.commands';
import type { ComputerEvent, ComputerFacts } from './computer.events';
import { evolve, initialState, type ActiveComputer, type ComputerState } from './computer.state';

export const COMPUTER_NAME_MAX = 64;
/** Shares per computer: enough for a team, few enough that the list document stays small. */
export const COMPUTER_SHARES_MAX = 100;

const SHA256_HEX = /^[0-9a-f]{64}$/;
// Control characters have no place in a name shown in lists and sent to the agent.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function validName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > COMPUTER_NAME_MAX || CONTROL_CHARACTERS.test(trimmed)) {
    throw new DomainError('COMPUTER_NAME_INVALID', `A computer name has 1 to ${COMPUTER_NAME_MAX} printable characters`);
  }
  return trimmed;
}

/** The hostname stands in for a name the agent did not give, cut to fit and cleaned of control characters. */
function nameFromHostname(hostname: string): string {
  const cleaned = hostname.replace(new RegExp(CONTROL_CHARACTERS.source, 'g'), '').trim().slice(0, COMPUTER_NAME_MAX).trim();
  return cleaned.length > 0 ? cleaned : 'Computer';
}

/**
 * The computer as the caller may address it. A removed or unknown computer, any computer of another
 * tenant, and a computer of the caller's account that the caller may not see, is "not found": nobody
 * learns that an id exists where they cannot look (as the list and the details already answer).
 */
function existing(state: ComputerState, principal: Principal): ActiveComputer {
  if (state.status !== 'active' || state.accountId !== principal.tenantId || (principal.kind === 'user' && !maySee(principal, state))) {
    throw new DomainError('COMPUTER_NOT_FOUND', 'No such computer');
  }
  return state;
}

const forbidden = (message: string) => new DomainError('COMPUTER_FORBIDDEN', message);

/** Agent-side facts come from the computer's own agent, or from the server itself (presence sweeper, gateway). */
function assertAgentOrSystem(principal: Principal, computer: ActiveComputer): void {
  const self = principal.kind === 'agent' && principal.id === computer.computerId;
  if (!self && principal.kind !== 'system') throw forbidden('Only the computer\'s agent or the server reports this');
}

function sameFacts(a: ComputerFacts, b: ComputerFacts): boolean {
  return (
    a.os.platform === b.os.platform &&
    a.os.release === b.os.release &&
    a.os.arch === b.os.arch &&
    a.hostname === b.hostname &&
    a.agentVersion === b.agentVersion &&
    a.loggedInUser === b.loggedInUser &&
    a.installed === b.installed
  );
}

/** A limited computer past its grace period is disabled, whatever its last event says. */
export function effectivePlanStatus(computer: Pick<ActiveComputer, 'planStatus' | 'limitedUntil'>, now: string): ActiveComputer['planStatus'] {
  if (computer.planStatus === 'limited' && computer.limitedUntil !== null && hasExpired(computer.limitedUntil, now)) return 'disabled';
  return computer.planStatus;
}

/**
 * A computer is enrolled once, in the tenant the enrollment names, with the plan status its slot
 * was allocated with; its visibility starts at owner-only.
 */
export function enrollComputer(command: EnrollComputer, state: ComputerState): ComputerEvent[] {
  if (state.status !== 'none') throw new DomainError('COMPUTER_ALREADY_EXISTS', 'This computer is already enrolled');
  const d = command.data;
  if (command.context.principal.tenantId !== d.accountId) throw forbidden('A computer is enrolled into its own tenant');
  if (!SHA256_HEX.test(d.agentKeyHash)) throw new DomainError('COMPUTER_KEY_INVALID', 'The agent key hash must be a SHA-256 hex digest');
  if (d.planStatus === 'limited' && d.limitedUntil === undefined) {
    throw new DomainError('COMPUTER_PLAN_INVALID', 'A limited computer needs the end of its grace period');
  }
  const name = d.name === undefined ? nameFromHostname(d.facts.hostname) : validName(d.name);
  return [
    {
      type: 'ComputerEnrolled',
      data: {
        computerId: d.computerId,
        accountId: d.accountId,
        ownerUserId: d.ownerUserId,
        method: d.method,
        agentKeyHash: d.agentKeyHash,
        name,
        facts: d.facts,
        planStatus: d.planStatus,
        ...(d.planStatus === 'limited' ? { limitedUntil: d.limitedUntil } : {}),
        ...(d.ip === undefined ? {} : { ip: d.ip }),
        enrolledAt: command.context.now,
      },
    },
  ];
}

/** The owner, admins and the users it is shared with rename it from the console; the same name records nothing. */
export function renameComputer(command: RenameComputer, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  if (!mayManage(command.context.principal, computer)) throw forbidden('You may not rename this computer');
  const name = validName(command.data.name);
  if (name === computer.name) return [];
  return [{ type: 'ComputerRenamed', data: { computerId: computer.computerId, name, source: 'console', renamedAt: command.context.now } }];
}

/** Only the computer's own agent sets its name from its settings. */
export function setAgentName(command: SetAgentName, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  const { principal } = command.context;
  if (principal.kind !== 'agent' || principal.id !== computer.computerId) throw forbidden('Only the computer\'s agent sets its name');
  const name = validName(command.data.name);
  if (name === computer.name) return [];
  return [{ type: 'ComputerRenamed', data: { computerId: computer.computerId, name, source: 'agent', renamedAt: command.context.now } }];
}

/** Whoever may manage it moves it between groups (the application checked the group exists); no move records nothing. */
export function moveComputerToGroup(command: MoveComputerToGroup, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  if (!mayManage(command.context.principal, computer)) throw forbidden('You may not move this computer');
  if (command.data.groupId === computer.groupId) return [];
  return [{ type: 'ComputerMovedToGroup', data: { computerId: computer.computerId, groupId: command.data.groupId, movedAt: command.context.now } }];
}

function favouringUser(principal: Principal, computer: ActiveComputer): string {
  // `existing` already answered "not found" to a user who cannot see it.
  if (principal.kind !== 'user') throw forbidden('Favourites belong to users');
  return principal.id;
}

/** Every user who can see a computer may put it among their own favourites, once. */
export function favouriteComputer(command: FavouriteComputer, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  const userId = favouringUser(command.context.principal, computer);
  if (computer.favouriteOf.includes(userId)) return [];
  return [{ type: 'ComputerFavourited', data: { computerId: computer.computerId, userId, favouritedAt: command.context.now } }];
}

export function unfavouriteComputer(command: UnfavouriteComputer, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  const userId = favouringUser(command.context.principal, computer);
  if (!computer.favouriteOf.includes(userId)) return [];
  return [{ type: 'ComputerUnfavourited', data: { computerId: computer.computerId, userId, unfavouritedAt: command.context.now } }];
}

/**
 * The owner or an admin shares it with another user of the account (resolved by the application);
 * sharing again records nothing, sharing with the owner is refused.
 */
export function shareComputer(command: ShareComputer, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  const { principal } = command.context;
  if (!mayAdminister(principal, computer)) throw forbidden('Only the owner or an admin shares this computer');
  const { userId } = command.data;
  if (userId === computer.ownerUserId) throw new DomainError('COMPUTER_SHARE_INVALID', 'The owner already has access to this computer');
  if (computer.sharedWith.includes(userId)) return [];
  if (computer.sharedWith.length >= COMPUTER_SHARES_MAX) {
    throw new DomainError('COMPUTER_SHARE_INVALID', `A computer is shared with at most ${COMPUTER_SHARES_MAX} users`);
  }
  return [{ type: 'ComputerShared', data: { computerId: computer.computerId, userId, sharedBy: principal.id, sharedAt: command.context.now } }];
}

/** The owner or an admin revokes a share; a user may also drop a share they were given. Not shared records nothing. */
export function unshareComputer(command: UnshareComputer, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  const { principal } = command.context;
  const self = principal.kind === 'user' && principal.id === command.data.userId;
  if (!self && !mayAdminister(principal, computer)) throw forbidden('Only the owner or an admin revokes a share');
  if (!computer.sharedWith.includes(command.data.userId)) return [];
  return [
    {
      type: 'ComputerUnshared',
      data: { computerId: computer.computerId, userId: command.data.userId, unsharedBy: principal.id, unsharedAt: command.context.now },
    },
  ];
}

/** Only the owner changes who in the account sees the computer; not even an admin may. */
export function setComputerVisibility(command: SetComputerVisibility, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  if (!isComputerOwner(command.context.principal, computer)) {
    throw new DomainError('COMPUTER_VISIBILITY_OWNER_ONLY', 'Only the owner of the computer may change its visibility');
  }
  const { visibility } = command.data;
  if (visibility !== 'owner' && visibility !== 'everyone') throw new DomainError('COMPUTER_VISIBILITY_INVALID', 'Visibility is owner or everyone');
  if (visibility === computer.visibility) return [];
  return [{ type: 'ComputerVisibilityChanged', data: { computerId: computer.computerId, visibility, changedAt: command.context.now } }];
}

/** The setting exists only in the installed Windows agent. */
export function setAgentConfigPolicy(command: SetAgentConfigPolicy, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  if (!mayManage(command.context.principal, computer)) throw forbidden('You may not change this computer\'s settings');
  if (computer.facts.os.platform !== 'win32' || !computer.facts.installed) {
    throw new DomainError('COMPUTER_SETTING_UNSUPPORTED', 'Agent configuration rights are a setting of the installed Windows agent only');
  }
  const allow = command.data.allowWithoutAdmin === true;
  if (allow === computer.allowAgentConfigWithoutAdmin) return [];
  return [{ type: 'ComputerAgentConfigPolicyChanged', data: { computerId: computer.computerId, allowWithoutAdmin: allow, changedAt: command.context.now } }];
}

/**
 * The agent connected. Already online from the same address records nothing (a reconnect before
 * the sweeper noticed); a new address is recorded. A disabled computer does not come online.
 */
export function markComputerOnline(command: MarkComputerOnline, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  assertAgentOrSystem(command.context.principal, computer);
  if (effectivePlanStatus(computer, command.context.now) === 'disabled') {
    throw new DomainError('COMPUTER_DISABLED', 'The account\'s plan disables this computer');
  }
  const d = command.data;
  if (computer.online && computer.ip === d.ip) return [];
  return [
    {
      type: 'ComputerWentOnline',
      data: {
        computerId: computer.computerId,
        ip: d.ip,
        city: d.city,
        country: d.country,
        ...(d.nodeId === undefined ? {} : { nodeId: d.nodeId }),
        wentOnlineAt: command.context.now,
      },
    },
  ];
}

/** Offline when already offline records nothing. */
export function markComputerOffline(command: MarkComputerOffline, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  assertAgentOrSystem(command.context.principal, computer);
  if (!computer.online) return [];
  return [{ type: 'ComputerWentOffline', data: { computerId: computer.computerId, reason: command.data.reason, wentOfflineAt: command.context.now } }];
}

/** New facts from the agent; the same facts again record nothing. */
export function updateComputerFacts(command: UpdateComputerFacts, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  assertAgentOrSystem(command.context.principal, computer);
  if (sameFacts(computer.facts, command.data.facts)) return [];
  return [{ type: 'ComputerFactsChanged', data: { computerId: computer.computerId, facts: command.data.facts, changedAt: command.context.now } }];
}

/** A limited computer loses access when its grace period ends; anything else records nothing. */
export function enforceComputerPlan(command: EnforceComputerPlan, state: ComputerState): ComputerEvent[] {
  const computer = existing(state, command.context.principal);
  const { principal } = command.context;
  if (principal.kind !== 'system' && !isAccountAdmin(principal, computer.accountId) && !(principal.kind === 'agent' && principal.id === computer.computerId)) {
    throw forbidden('Only the server or an admin enforces the plan');
  }
  if (computer.planStatus !== 'limited' || effectivePlanStatus(computer, command.context.now) !== 'disabled') return [];
  return [{ type: 'ComputerPlanStatusChanged', data: { computerId: computer.computerId, planStatus: 'disabled', changedAt: command.context.now } }];
}

/**
 * The owner or an admin removes it; its key stops working. Removing a removed computer records
 * nothing, so an interrupted removal (the plan slot is released after) can be run again.
 */
export function removeComputer(command: RemoveComputer, state: ComputerState): ComputerEvent[] {
  const { principal } = command.context;
  if (state.status === 'removed' && state.accountId === principal.tenantId && mayAdminister(principal, { ...state, sharedWith: [], visibility: 'owner' })) {
    return [];
  }
  const computer = existing(state, principal);
  if (!mayAdminister(principal, computer)) throw forbidden('Only the owner or an admin removes this computer');
  return [{ type: 'ComputerRemoved', data: { computerId: computer.computerId, removedBy: principal.id, removedAt: command.context.now } }];
}

export function decide(command: ComputerCommand, state: ComputerState): ComputerEvent[] {
  switch (command.type) {
    case 'EnrollComputer':
      return enrollComputer(command, state);
    case 'RenameComputer':
      return renameComputer(command, state);
    case 'SetAgentName':
      return setAgentName(command, state);
    case 'MoveComputerToGroup':
      return moveComputerToGroup(command, state);
    case 'FavouriteComputer':
      return favouriteComputer(command, state);
    case 'UnfavouriteComputer':
      return unfavouriteComputer(command, state);
    case 'ShareComputer':
      return shareComputer(command, state);
    case 'UnshareComputer':
      return unshareComputer(command, state);
    case 'SetComputerVisibility':
      return setComputerVisibility(command, state);
    case 'SetAgentConfigPolicy':
      return setAgentConfigPolicy(command, state);
    case 'MarkComputerOnline':
      return markComputerOnline(command, state);
    case 'MarkComputerOffline':
      return markComputerOffline(command, state);
    case 'UpdateComputerFacts':
      return updateComputerFacts(command, state);
    case 'EnforceComputerPlan':
      return enforceComputerPlan(command, state);
    case 'RemoveComputer':
      return removeComputer(command, state);
    default:
      return assertNever(command, 'computer command');
  }
}

export const computerDecider: Decider<ComputerCommand, ComputerEvent, ComputerState> = { decide, evolve, initialState };
