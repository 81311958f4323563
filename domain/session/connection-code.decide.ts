import { DomainError } from '../shared/domain-error';
import { assertNever, type Decider } from '../shared/event';
import { hasExpired } from '../user/user.time';
import type { ConnectionCodeCommand, IssueConnectionCode, RedeemConnectionCode } from './connection-code.commands';
import { evolveConnectionCode, initialConnectionCodeState, type ConnectionCodeState } from './connection-code.state';
import type { ConnectionCodeEvent } from './session.events';

/** Six digits: short enough to read out on the phone; the rate limit, not the length, stops enumeration. */
export const CONNECTION_CODE = /^\d{6}$/;

/** The claim is live: issued, not redeemed, not expired. */
const isLive = (state: ConnectionCodeState, now: string): boolean => state.status === 'issued' && !hasExpired(state.expiresAt, now);

/**
 * A user of the account claims a free code for one of the account's sessions, expiring later; a code
 * whose claim is still live is taken (the application draws another), a used or expired one is free again.
 */
export function issueConnectionCode(command: IssueConnectionCode, state: ConnectionCodeState): ConnectionCodeEvent[] {
  const { principal, now } = command.context;
  const d = command.data;
  if (principal.kind !== 'user' || principal.tenantId !== d.accountId) {
    throw new DomainError('CONNECTION_CODE_FORBIDDEN', 'A user issues codes for their own account');
  }
  if (!CONNECTION_CODE.test(d.code)) throw new DomainError('CONNECTION_CODE_INVALID', 'A connection ID has 6 digits');
  if (Number.isNaN(Date.parse(d.expiresAt)) || hasExpired(d.expiresAt, now)) {
    throw new DomainError('CONNECTION_CODE_INVALID', 'A connection ID expires in the future');
  }
  if (isLive(state, now)) throw new DomainError('CONNECTION_CODE_TAKEN', 'This code is in use');
  return [{ type: 'ConnectionCodeIssued', data: { code: d.code, sessionId: d.sessionId, accountId: d.accountId, issuedBy: principal.id, expiresAt: d.expiresAt, at: now } }];
}

/** A code is redeemed once, before it expires; a code never issued is unknown, a used or expired one is gone. */
export function redeemConnectionCode(command: RedeemConnectionCode, state: ConnectionCodeState): ConnectionCodeEvent[] {
  const { now } = command.context;
  if (state.status === 'free') throw new DomainError('CONNECTION_CODE_UNKNOWN', 'No such connection ID');
  if (state.status === 'redeemed') throw new DomainError('CONNECTION_CODE_USED', 'This connection ID was already used');
  if (hasExpired(state.expiresAt, now)) throw new DomainError('CONNECTION_CODE_EXPIRED', 'This connection ID has expired');
  return [{ type: 'ConnectionCodeRedeemed', data: { code: state.code, sessionId: state.sessionId, participantId: command.data.participantId, at: now } }];
}

export function decideConnectionCode(command: ConnectionCodeCommand, state: ConnectionCodeState): ConnectionCodeEvent[] {
  switch (command.type) {
    case 'IssueConnectionCode':
      return issueConnectionCode(command, state);
    case 'RedeemConnectionCode':
      return redeemConnectionCode(command, state);
    default:
      return assertNever(command, 'connection code command');
  }
}

export const connectionCodeDecider: Decider<ConnectionCodeCommand, ConnectionCodeEvent, ConnectionCodeState> = {
  decide: decideConnectionCode,
  evolve: evolveConnectionCode,
  initialState: initialConnectionCodeState,
};
