/**
 * The computer list, details, groups and enrollment tokens as the console sees them: view and option
 * shapes shared by the server's queries and controllers and the Angular console. Errors are
 * problem+json with a stable `code` (COMPUTER_NOT_FOUND, COMPUTER_FORBIDDEN,
 * COMPUTER_VISIBILITY_OWNER_ONLY, COMPUTER_SETTING_UNSUPPORTED, USER_NOT_FOUND, COMPUTER_GROUP_*,
 * ENROLLMENT_TOKEN_*, INVALID_CURSOR).
 */
export type ComputerStatusView = 'online' | 'limited' | 'not-installed' | 'offline' | 'disabled';
export type PlanStatusView = 'ok' | 'limited' | 'disabled';
export type ComputerSortView = 'name' | 'lastConnectedAt' | 'addedAt';
export type ComputerGroupingView = 'none' | 'letter' | 'status' | 'last-use' | 'group';
export type SortDirectionView = 'asc' | 'desc';

/** Buckets of "time of last use", newest first; `never` for computers that never connected. */
export const LAST_USE_BUCKETS = ['last-24-hours', 'last-7-days', 'last-30-days', 'last-year', 'older', 'never'] as const;
export type LastUseBucket = (typeof LAST_USE_BUCKETS)[number];

export const COMPUTER_PAGE_DEFAULT = 50;
export const COMPUTER_PAGE_MAX = 200;
export const COMPUTER_SEARCH_MAX = 100;
export const COMPUTER_FAVOURITES_MAX = 100;

/** GET /api/computers query parameters. */
export interface ListComputersOptions {
  /** Default `name`. */
  readonly sort?: ComputerSortView;
  /** Default: ascending by name, newest first by dates. */
  readonly direction?: SortDirectionView;
  /** Default `none`. `last-use` always orders by last connection, newest first. */
  readonly groupBy?: ComputerGroupingView;
  /** Server-side search in name, group name, IP and city (case and accents ignored). */
  readonly search?: string;
  /** Only this group and its subgroups; `''` for computers in no group. */
  readonly groupId?: string;
  readonly status?: ComputerStatusView;
  /** Page size, default 50, at most 200. */
  readonly limit?: number;
  /** `nextCursor` of the previous page; the same sort, direction and grouping must be asked. */
  readonly cursor?: string;
}

/** The section a row belongs to in a grouped list; rows of one section come together. */
export interface ComputerSectionView {
  /** Letter, status, bucket or group id ('' for "no group"). */
  readonly key: string;
  /** The group's path ("Paris / Floor 2") for group sections; the key otherwise (the console translates). */
  readonly label: string;
}

export interface ComputerListItem {
  readonly id: string;
  readonly name: string;
  readonly status: ComputerStatusView;
  readonly planStatus: PlanStatusView;
  readonly limitedUntil: string | null;
  readonly os: { readonly platform: 'linux' | 'darwin' | 'win32'; readonly release: string; readonly arch: string };
  readonly hostname: string;
  readonly agentVersion: string;
  readonly loggedInUser: string | null;
  readonly installed: boolean;
  readonly ip: string | null;
  readonly city: string | null;
  readonly country: string | null;
  /** "IP, city, country", leaving out what is unknown. */
  readonly location: string;
  readonly groupId: string | null;
  /** Names from the top-level group down; empty when in no group. */
  readonly groupPath: readonly string[];
  readonly favourite: boolean;
  readonly visibility: 'owner' | 'everyone';
  /** The viewer owns it. */
  readonly owned: boolean;
  /** It is shared with the viewer. */
  readonly sharedWithMe: boolean;
  /** The viewer may rename, group it and change its agent policy. */
  readonly canManage: boolean;
  /** The viewer may share and remove it. */
  readonly canAdminister: boolean;
  readonly allowAgentConfigWithoutAdmin: boolean;
  readonly lastConnectedAt: string | null;
  readonly addedAt: string;
  readonly section: ComputerSectionView;
}

/** GET /api/computers/:id: the row plus what only its owner and admins see. */
export interface ComputerDetailsView extends ComputerListItem {
  readonly ownerUserId: string;
  /** User ids it is shared with; empty unless the viewer may administer it. */
  readonly sharedWith: readonly string[];
  readonly lastSeenAt: string | null;
  readonly nameSource: 'console' | 'agent';
  readonly method: 'password' | 'enrollment-token' | 'add-computer-link' | 'cli';
}

export interface ComputerListPage {
  /** The viewer's favourites that match the search, always first; on the first page only. */
  readonly favourites: readonly ComputerListItem[];
  /** Everything else, in the asked order; favourites are not repeated here. */
  readonly items: readonly ComputerListItem[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
  readonly sort: ComputerSortView;
  readonly direction: SortDirectionView;
  readonly groupBy: ComputerGroupingView;
}

export interface ComputerGroupView {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
  /** Names from the top-level group down to this one. */
  readonly path: readonly string[];
  readonly depth: number;
}

/** GET /api/computer-groups: depth-first, siblings by name. */
export interface ComputerGroupsView {
  readonly groups: readonly ComputerGroupView[];
}
