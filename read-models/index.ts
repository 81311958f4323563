import { accountListProjection } from './account-list/account-list.projection';
import { auditLogProjection } from './audit-log/audit-log.projection';
import { authSessionsProjection } from './auth-sessions/auth-sessions.projection';
import { computerGroupsProjection } from './computer-groups/computer-groups.projection';
import { computerListProjection } from './computer-list/computer-list.projection';
import { permalinksProjection } from './permalinks/permalinks.projection';
import type { Projection } from './projection';
import { sessionHistoryProjection } from './session-history/session-history.projection';
import { userListProjection } from './user-list/user-list.projection';

/** Every projection the server runs and the replay CLI can rebuild. Add new ones here. */
export const ALL_PROJECTIONS: readonly Projection[] = [
  accountListProjection,
  auditLogProjection,
  userListProjection,
  authSessionsProjection,
  computerListProjection,
  computerGroupsProjection,
  sessionHistoryProjection,
  permalinksProjection,
];
