import type { Doc } from '../../application/ports/read-store.port';
import { isAccountAdmin, maySee, type ComputerAccessFacts } from '../../domain/computer/computer.access';
import type { Principal } from '../../domain/shared/event';
import { ACCOUNT_LIST } from '../../read-models/account-list/account-list.projection';
import { AUDIT_LOG } from '../../read-models/audit-log/audit-log.projection';
import { AUTH_SESSIONS } from '../../read-models/auth-sessions/auth-sessions.projection';
import { COMPUTER_GROUPS } from '../../read-models/computer-groups/computer-groups.projection';
import { COMPUTER_LIST } from '../../read-models/computer-list/computer-list.projection';
import { PERMALINKS } from '../../read-models/permalinks/permalinks.projection';
import { SESSION_HISTORY } from '../../read-models/session-history/session-history.projection';
import { USER_LIST } from '../../read-models/user-list/user-list.projection';

/** A signed-in user of one tenant, as a console socket knows them (from the access token of its `hello`). */
export type NoticeViewer = Principal & { readonly kind: 'user' };

/**
 * Who of a tenant may be told that one document of a projection changed. The gateway has already
 * checked the tenant; a rule decides inside it. Rules that need the document say so with `facts`:
 * the gateway reads the document once per notice (not once per socket), keeps only these facts, and
 * remembers them for the document's next notice, so that a viewer who could see it before (a
 * deletion, a narrowed visibility) is told too.
 */
export interface AudienceRule {
  /** The part of the document the rule needs; absent when the rule needs no document. */
  readonly facts?: (doc: Doc) => unknown;
  /** Whether `viewer` may see document `id`; `facts` is undefined when the rule reads none or the document is unknown. */
  readonly allows: (viewer: NoticeViewer, id: string, facts: unknown) => boolean;
}

const everyoneInTenant: AudienceRule = { allows: () => true };

const admins: AudienceRule = { allows: (viewer) => isAccountAdmin(viewer, viewer.tenantId) };

const computerFacts = (doc: Doc): ComputerAccessFacts => {
  const c = doc as unknown as ComputerAccessFacts;
  return { accountId: c.accountId, ownerUserId: c.ownerUserId, sharedWith: [...(c.sharedWith ?? [])], visibility: c.visibility };
};

/**
 * The audience of every projection's notices, in one place. A projection that is not listed here
 * notifies operator sockets only: a new read model is private until someone writes its rule.
 */
export const NOTICE_AUDIENCE: Readonly<Record<string, AudienceRule>> = {
  /** The account's own row: everyone of the account. */
  [ACCOUNT_LIST]: everyoneInTenant,
  /** The account's group tree is one document that every user of the account reads (the sidebar). */
  [COMPUTER_GROUPS]: everyoneInTenant,
  /** The account's permalinks: every user of the account lists them all (GET /api/permalinks). */
  [PERMALINKS]: everyoneInTenant,
  /** Compliance data: owners and admins, as the audit API. */
  [AUDIT_LOG]: admins,
  /** A user's row (the document id is the user id): the user and the account's admins. */
  [USER_LIST]: { allows: (viewer, id) => viewer.id === id || isAccountAdmin(viewer, viewer.tenantId) },
  /** A sign-in session: the user it belongs to and the account's admins. */
  [AUTH_SESSIONS]: {
    facts: (doc) => ({ userId: (doc as { userId?: unknown }).userId }),
    allows: (viewer, _id, facts) => isAccountAdmin(viewer, viewer.tenantId) || (facts as { userId?: unknown } | undefined)?.userId === viewer.id,
  },
  /** A computer: its owner, the users it is shared with, everyone when visible to everyone, the account's admins. */
  [COMPUTER_LIST]: {
    facts: computerFacts,
    allows: (viewer, _id, facts) =>
      isAccountAdmin(viewer, viewer.tenantId) || (facts !== undefined && maySee(viewer, facts as ComputerAccessFacts)),
  },
  /** A remote session: the technician who opened it, the technicians who joined it, the account's admins. */
  [SESSION_HISTORY]: {
    facts: (doc) => {
      const s = doc as { ownerUserId?: unknown; technicianIds?: unknown };
      return { ownerUserId: s.ownerUserId, technicianIds: Array.isArray(s.technicianIds) ? [...(s.technicianIds as unknown[])] : [] };
    },
    allows: (viewer, _id, facts) => {
      if (isAccountAdmin(viewer, viewer.tenantId)) return true;
      const s = facts as { ownerUserId?: unknown; technicianIds: readonly unknown[] } | undefined;
      return s !== undefined && (s.ownerUserId === viewer.id || s.technicianIds.includes(viewer.id));
    },
  },
};
