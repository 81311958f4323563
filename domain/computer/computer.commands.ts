import type { Command } from '../shared/event';
import type { ComputerFacts, ComputerVisibility, EnrollmentMethod, PlanStatus } from './computer.events';

/**
 * Ties a new computer to an account. The application has already checked the credentials or the
 * token, allocated the plan slot (which gives `planStatus`) and hashed the agent key it generated.
 * `name` is what the agent asked for; the hostname otherwise.
 */
export type EnrollComputer = Command<
  'EnrollComputer',
  {
    computerId: string;
    accountId: string;
    ownerUserId: string;
    method: EnrollmentMethod;
    agentKeyHash: string;
    name?: string;
    facts: ComputerFacts;
    planStatus: PlanStatus;
    limitedUntil?: string;
    ip?: string;
  }
>;

/** A rename from the console; the agent is told. */
export type RenameComputer = Command<'RenameComputer', { computerId: string; name: string }>;

/** The agent's own settings renamed the computer. */
export type SetAgentName = Command<'SetAgentName', { computerId: string; name: string }>;

/** `groupId: null` takes it out of every group. The application checks that the group exists. */
export type MoveComputerToGroup = Command<'MoveComputerToGroup', { computerId: string; groupId: string | null }>;

/** Favourites are per user: the caller's own. */
export type FavouriteComputer = Command<'FavouriteComputer', { computerId: string }>;
export type UnfavouriteComputer = Command<'UnfavouriteComputer', { computerId: string }>;

/** The application has resolved the username or email to a user of the same account. */
export type ShareComputer = Command<'ShareComputer', { computerId: string; userId: string }>;
export type UnshareComputer = Command<'UnshareComputer', { computerId: string; userId: string }>;

export type SetComputerVisibility = Command<'SetComputerVisibility', { computerId: string; visibility: ComputerVisibility }>;

export type SetAgentConfigPolicy = Command<'SetAgentConfigPolicy', { computerId: string; allowWithoutAdmin: boolean }>;

/** The agent's link came up; `ip` is what the server saw, `city`/`country` where it geolocates. */
export type MarkComputerOnline = Command<
  'MarkComputerOnline',
  { computerId: string; ip: string | null; city: string | null; country: string | null; nodeId?: string }
>;

export type MarkComputerOffline = Command<'MarkComputerOffline', { computerId: string; reason: 'disconnected' | 'missed-heartbeats' }>;

export type UpdateComputerFacts = Command<'UpdateComputerFacts', { computerId: string; facts: ComputerFacts }>;

/** A limited computer whose grace period is over becomes disabled; the time is the command's `now`. */
export type EnforceComputerPlan = Command<'EnforceComputerPlan', { computerId: string }>;

export type RemoveComputer = Command<'RemoveComputer', { computerId: string }>;

export type ComputerCommand =
  | EnrollComputer
  | RenameComputer
  | SetAgentName
  | MoveComputerToGroup
  | FavouriteComputer
  | UnfavouriteComputer
  | ShareComputer
  | UnshareComputer
  | SetComputerVisibility
  | SetAgentConfigPolicy
  | MarkComputerOnline
  | MarkComputerOffline
  | UpdateComputerFacts
  | EnforceComputerPlan
  | RemoveComputer;
