import type { Event } from '../shared/event';

/** How a computer was tied to its account; `cli` is the password method run from the agent's command line. */
export type EnrollmentMethod = 'password' | 'enrollment-token' | 'add-computer-link' | 'cli';
export const ENROLLMENT_METHODS: readonly EnrollmentMethod[] = ['password', 'enrollment-token', 'add-computer-link', 'cli'];

export type ComputerPlatform = 'linux' | 'darwin' | 'win32';

/** What the agent reports about its computer (the same shape as the agent protocol's facts). */
export interface ComputerFacts {
  readonly os: { readonly platform: ComputerPlatform; readonly release: string; readonly arch: string };
  readonly hostname: string;
  readonly agentVersion: string;
  readonly loggedInUser: string | null;
  /** Installed as a service; an agent run once without installing shows as "Not installed". */
  readonly installed: boolean;
}

/**
 * Where the account's plan leaves this computer: `limited` keeps access until `limitedUntil`
 * (10 days after it was added), `disabled` refuses connections.
 */
export type PlanStatus = 'ok' | 'limited' | 'disabled';

/** Who may see a computer in the account besides its owner, the users it is shared with and admins. */
export type ComputerVisibility = 'owner' | 'everyone';

export type NameSource = 'console' | 'agent';

/**
 * A computer joined an account. `agentKeyHash` is the SHA-256 of the agent key (the key itself is
 * never stored); `ownerUserId` is the user whose credentials, link or download enrolled it.
 */
export type ComputerEnrolled = Event<
  'ComputerEnrolled',
  {
    computerId: string;
    accountId: string;
    ownerUserId: string;
    method: EnrollmentMethod;
    agentKeyHash: string;
    name: string;
    facts: ComputerFacts;
    planStatus: PlanStatus;
    limitedUntil?: string;
    /** The public address the enrollment came from, when the server saw one. */
    ip?: string;
    enrolledAt: string;
  }
>;

/** The console (`source: 'console'`, the agent is told) or the agent's own settings renamed it. */
export type ComputerRenamed = Event<'ComputerRenamed', { computerId: string; name: string; source: NameSource; renamedAt: string }>;

/** Into a group of the account's tree, or out of every group (`groupId: null`). */
export type ComputerMovedToGroup = Event<'ComputerMovedToGroup', { computerId: string; groupId: string | null; movedAt: string }>;

export type ComputerFavourited = Event<'ComputerFavourited', { computerId: string; userId: string; favouritedAt: string }>;
export type ComputerUnfavourited = Event<'ComputerUnfavourited', { computerId: string; userId: string; unfavouritedAt: string }>;

export type ComputerShared = Event<'ComputerShared', { computerId: string; userId: string; sharedBy: string; sharedAt: string }>;
export type ComputerUnshared = Event<'ComputerUnshared', { computerId: string; userId: string; unsharedBy: string; unsharedAt: string }>;

export type ComputerVisibilityChanged = Event<
  'ComputerVisibilityChanged',
  { computerId: string; visibility: ComputerVisibility; changedAt: string }
>;

/** "Allow agent configuration without administrator rights" (Windows agents only). */
export type ComputerAgentConfigPolicyChanged = Event<
  'ComputerAgentConfigPolicyChanged',
  { computerId: string; allowWithoutAdmin: boolean; changedAt: string }
>;

/** The agent connected: the public address the server saw and where it geolocates. */
export type ComputerWentOnline = Event<
  'ComputerWentOnline',
  { computerId: string; ip: string | null; city: string | null; country: string | null; nodeId?: string; wentOnlineAt: string }
>;

/** The agent closed its link, or stopped sending heartbeats. */
export type ComputerWentOffline = Event<
  'ComputerWentOffline',
  { computerId: string; reason: 'disconnected' | 'missed-heartbeats'; wentOfflineAt: string }
>;

export type ComputerFactsChanged = Event<'ComputerFactsChanged', { computerId: string; facts: ComputerFacts; changedAt: string }>;

export type ComputerPlanStatusChanged = Event<
  'ComputerPlanStatusChanged',
  { computerId: string; planStatus: PlanStatus; limitedUntil?: string; changedAt: string }
>;

/** Gone from the account; its agent key no longer opens anything and the agent must enroll again. */
export type ComputerRemoved = Event<'ComputerRemoved', { computerId: string; removedBy: string; removedAt: string }>;

export type ComputerEvent =
  | ComputerEnrolled
  | ComputerRenamed
  | ComputerMovedToGroup
  | ComputerFavourited
  | ComputerUnfavourited
  | ComputerShared
  | ComputerUnshared
  | ComputerVisibilityChanged
  | ComputerAgentConfigPolicyChanged
  | ComputerWentOnline
  | ComputerWentOffline
  | ComputerFactsChanged
  | ComputerPlanStatusChanged
  | ComputerRemoved;

export const COMPUTER_EVENT_TYPES: readonly ComputerEvent['type'][] = [
  'ComputerEnrolled',
  'ComputerRenamed',
  'ComputerMovedToGroup',
  'ComputerFavourited',
  'ComputerUnfavourited',
  'ComputerShared',
  'ComputerUnshared',
  'ComputerVisibilityChanged',
  'ComputerAgentConfigPolicyChanged',
  'ComputerWentOnline',
  'ComputerWentOffline',
  'ComputerFactsChanged',
  'ComputerPlanStatusChanged',
  'ComputerRemoved',
];
