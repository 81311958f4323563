import type { Event } from '../shared/event';

/**
 * A tenant came into being: a person's client space or an MSP. `ownerUserId` names the user who
 * registered it; it is absent on accounts an operator opened without an owner.
 */
export type AccountRegistered = Event<
  'AccountRegistered',
  { accountId: string; name: string; kind: 'client-space' | 'msp'; ownerUserId?: string; registeredAt: string }
>;

export type AccountRenamed = Event<'AccountRenamed', { accountId: string; name: string; renamedAt: string }>;

/**
 * The account stops. `reason: 'deleted'` when its owner deleted it (its users are then erased);
 * absent when it was closed. Other aggregates (computers, shares) react to this one event.
 */
export type AccountClosed = Event<'AccountClosed', { accountId: string; closedAt: string; reason?: 'deleted'; deletedBy?: string }>;

/** The account's session recording setting changed: sessions opened afterwards record their frames, or stop doing so. */
export type SessionRecordingChanged = Event<'SessionRecordingChanged', { accountId: string; enabled: boolean; changedAt: string }>;

export type AccountEvent = AccountRegistered | AccountRenamed | AccountClosed | SessionRecordingChanged;

export const ACCOUNT_EVENT_TYPES: readonly AccountEvent['type'][] = ['AccountRegistered', 'AccountRenamed', 'AccountClosed', 'SessionRecordingChanged'];
