import { DomainError } from '../shared/domain-error';
import { assertNever, type Command, type Decider, type Event } from '../shared/event';

/**
 * An email is registered once across all tenants. The stream `emailclaim-<sha256(normalized email)>`
 * holds who has it; the email itself is not written there. It doubles as the lookup from an email to
 * its user for sign-in and recovery, strongly consistent where a read model would lag.
 */
export type EmailClaimed = Event<'EmailClaimed', { emailHash: string; userId: string; accountId: string; claimedAt: string }>;
/** The user was deleted: the email may be registered again. */
export type EmailReleased = Event<'EmailReleased', { emailHash: string; userId: string; releasedAt: string }>;
export type EmailClaimEvent = EmailClaimed | EmailReleased;
export const EMAIL_CLAIM_EVENT_TYPES: readonly EmailClaimEvent['type'][] = ['EmailClaimed', 'EmailReleased'];

export type ClaimEmail = Command<'ClaimEmail', { emailHash: string; userId: string; accountId: string }>;
export type ReleaseEmail = Command<'ReleaseEmail', { emailHash: string; userId: string }>;
export type EmailClaimCommand = ClaimEmail | ReleaseEmail;

export type EmailClaimState =
  | { readonly status: 'free' }
  | { readonly status: 'claimed'; readonly userId: string; readonly accountId: string };

export const initialClaimState = (): EmailClaimState => ({ status: 'free' });

export function evolveClaim(_state: EmailClaimState, event: EmailClaimEvent): EmailClaimState {
  switch (event.type) {
    case 'EmailClaimed':
      return { status: 'claimed', userId: event.data.userId, accountId: event.data.accountId };
    case 'EmailReleased':
      return { status: 'free' };
    default:
      return assertNever(event, 'email claim event');
  }
}

/** An email held by a user cannot be claimed again, from any tenant; the claim is made in the new user's tenant. */
export function claimEmail(command: ClaimEmail, state: EmailClaimState): EmailClaimEvent[] {
  const { data, context } = command;
  if (state.status === 'claimed') throw new DomainError('EMAIL_ALREADY_REGISTERED', 'This email is already registered');
  if (context.principal.tenantId !== data.accountId) throw new DomainError('USER_FORBIDDEN', 'An email is claimed in its own tenant');
  return [{ type: 'EmailClaimed', data: { emailHash: data.emailHash, userId: data.userId, accountId: data.accountId, claimedAt: context.now } }];
}

/** Only the tenant of the user who holds the email releases it, for that user; a free email records nothing. */
export function releaseEmail(command: ReleaseEmail, state: EmailClaimState): EmailClaimEvent[] {
  const { data, context } = command;
  if (state.status === 'free') return [];
  if (state.userId !== data.userId || context.principal.tenantId !== state.accountId) {
    throw new DomainError('USER_FORBIDDEN', 'Only the holder’s account releases an email');
  }
  return [{ type: 'EmailReleased', data: { emailHash: data.emailHash, userId: data.userId, releasedAt: context.now } }];
}

function decideClaim(command: EmailClaimCommand, state: EmailClaimState): EmailClaimEvent[] {
  switch (command.type) {
    case 'ClaimEmail':
      return claimEmail(command, state);
    case 'ReleaseEmail':
      return releaseEmail(command, state);
    default:
      return assertNever(command, 'email claim command');
  }
}

export const emailClaimDecider: Decider<EmailClaimCommand, EmailClaimEvent, EmailClaimState> = {
  decide: decideClaim,
  evolve: evolveClaim,
  initialState: initialClaimState,
};
