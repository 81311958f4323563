import type { Event } from '../shared/event';

/** A tenant came into being: a person's client space or an MSP. */
export type AccountRegistered = Event<
  'AccountRegistered',
  { accountId: string; name: string; kind: 'client-space' | 'msp'; registeredAt: string }
>;

export type AccountRenamed = Event<'AccountRenamed', { accountId: string; name: string; renamedAt: string }>;

export type AccountClosed = Event<'AccountClosed', { accountId: string; closedAt: string }>;

export type AccountEvent = AccountRegistered | AccountRenamed | AccountClosed;

export const ACCOUNT_EVENT_TYPES: readonly AccountEvent['type'][] = ['AccountRegistered', 'AccountRenamed', 'AccountClosed'];
