import { isAccountAdmin } from '../computer/computer.access';
import { DomainError } from '../shared/domain-error';
import { assertNever, type Decider, type Principal } from '../shared/event';
import type { ChangePermalink, CreatePermalink, PermalinkCommand, RemovePermalink } from './permalink.commands';
import { evolvePermalink, initialPermalinkState, type ActivePermalink, type PermalinkState } from './permalink.state';
import type { PermalinkEvent } from './session.events';

/** A readable path under the account: lower-case letters, digits and hyphens. */
export const PERMALINK_PATH = /^[a-z0-9-]{3,64}$/;

/** The stream id of a permalink: one stream per account and path. */
export const permalinkStreamId = (accountId: string, path: string): string => `${accountId}.${path}`;

const forbidden = (message: string) => new DomainError('PERMALINK_FORBIDDEN', message);

function existing(state: PermalinkState, principal: Principal): ActivePermalink {
  if (state.status !== 'active' || state.accountId !== principal.tenantId) throw new DomainError('PERMALINK_NOT_FOUND', 'No such permalink');
  return state;
}

/** Its creator or an account admin changes or removes it. */
function assertMayManage(principal: Principal, permalink: ActivePermalink): void {
  const creator = principal.kind === 'user' && principal.id === permalink.createdBy;
  if (!creator && !isAccountAdmin(principal, permalink.accountId)) throw forbidden('Only its creator or an admin changes this permalink');
}

/** Opening to people who are not signed in is always behind a password. */
function assertPublicHasPassword(isPublic: boolean, passwordHash: string | null): void {
  if (isPublic && passwordHash === null) throw new DomainError('PERMALINK_PASSWORD_REQUIRED', 'A public permalink needs a password');
}

/** A user of the account creates a permalink on a free path of the account. */
export function createPermalink(command: CreatePermalink, state: PermalinkState): PermalinkEvent[] {
  const { principal, now } = command.context;
  const d = command.data;
  if (principal.kind !== 'user' || principal.tenantId !== d.accountId) throw forbidden('A user creates permalinks in their own account');
  if (!PERMALINK_PATH.test(d.path)) throw new DomainError('PERMALINK_PATH_INVALID', 'A permalink path has 3 to 64 lower-case letters, digits or hyphens');
  if (state.status === 'active') throw new DomainError('PERMALINK_TAKEN', 'This path is already a permalink of the account');
  assertPublicHasPassword(d.public, d.passwordHash);
  return [
    {
      type: 'PermalinkCreated',
      data: { accountId: d.accountId, path: d.path, computerId: d.computerId, public: d.public, passwordHash: d.passwordHash, createdBy: principal.id, at: now },
    },
  ];
}

/** The creator or an admin changes it; the event carries the whole new setting. No change records nothing. */
export function changePermalink(command: ChangePermalink, state: PermalinkState): PermalinkEvent[] {
  const permalink = existing(state, command.context.principal);
  assertMayManage(command.context.principal, permalink);
  const next = {
    public: command.data.public ?? permalink.public,
    passwordHash: command.data.passwordHash === undefined ? permalink.passwordHash : command.data.passwordHash,
    computerId: command.data.computerId ?? permalink.computerId,
  };
  assertPublicHasPassword(next.public, next.passwordHash);
  if (next.public === permalink.public && next.passwordHash === permalink.passwordHash && next.computerId === permalink.computerId) return [];
  return [{ type: 'PermalinkChanged', data: { ...next, at: command.context.now } }];
}

/** The creator or an admin removes it; its path is free again. */
export function removePermalink(command: RemovePermalink, state: PermalinkState): PermalinkEvent[] {
  const permalink = existing(state, command.context.principal);
  assertMayManage(command.context.principal, permalink);
  return [{ type: 'PermalinkRemoved', data: { at: command.context.now } }];
}

export function decidePermalink(command: PermalinkCommand, state: PermalinkState): PermalinkEvent[] {
  switch (command.type) {
    case 'CreatePermalink':
      return createPermalink(command, state);
    case 'ChangePermalink':
      return changePermalink(command, state);
    case 'RemovePermalink':
      return removePermalink(command, state);
    default:
      return assertNever(command, 'permalink command');
  }
}

export const permalinkDecider: Decider<PermalinkCommand, PermalinkEvent, PermalinkState> = {
  decide: decidePermalink,
  evolve: evolvePermalink,
  initialState: initialPermalinkState,
};
