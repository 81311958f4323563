import type { ComputerPlatform, ComputerVisibility, EnrollmentMethod, NameSource, PlanStatus } from '../../domain/computer/computer.events';

/**
 * What the list shows as a computer's status: Online, Offline, Not installed (online, agent run
 * without installing), Limited (online, over the plan, for 10 days) and Disabled (over the plan).
 */
export type ComputerStatus = 'online' | 'limited' | 'not-installed' | 'offline' | 'disabled';

/** Order of the statuses when the list is grouped by status: the reachable ones first. */
export const STATUS_RANK: Readonly<Record<ComputerStatus, number>> = { online: 0, limited: 1, 'not-installed': 2, offline: 3, disabled: 4 };

/**
 * One computer of a tenant, as the list and details views read it. Sort keys are never null, so
 * range-pagination cursors compare like with like: `nameLower`, `lastUseKey` ('' when it never
 * connected), `addedAt`; `initial`, `statusRank` and `groupKey` ('' when in no group) are the
 * leading keys of grouped views. Group names and paths are not copied here (a rename would touch
 * every computer of the group): queries read them from the computer-groups view.
 */
export type ComputerDoc = {
  readonly id: string;
  readonly tenantId: string;
  readonly accountId: string;
  readonly ownerUserId: string;
  readonly visibility: ComputerVisibility;
  readonly sharedWith: readonly string[];
  readonly favouriteOf: readonly string[];
  readonly groupId: string | null;
  readonly groupKey: string;
  readonly name: string;
  readonly nameLower: string;
  readonly nameSource: NameSource;
  /** First letter of the name, upper-cased; '#' for names that start with anything else. */
  readonly initial: string;
  readonly online: boolean;
  readonly status: ComputerStatus;
  readonly statusRank: number;
  readonly planStatus: PlanStatus;
  readonly limitedUntil: string | null;
  readonly os: { readonly platform: ComputerPlatform; readonly release: string; readonly arch: string };
  readonly hostname: string;
  readonly agentVersion: string;
  readonly loggedInUser: string | null;
  readonly installed: boolean;
  readonly allowAgentConfigWithoutAdmin: boolean;
  readonly method: EnrollmentMethod;
  readonly ip: string | null;
  readonly city: string | null;
  readonly cityLower: string;
  readonly country: string | null;
  readonly lastConnectedAt: string | null;
  readonly lastUseKey: string;
  readonly lastSeenAt: string | null;
  readonly addedAt: string;
  readonly updatedAt: string;
  readonly _pos?: string;
};
