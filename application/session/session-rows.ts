import { mayJoinSession, mayOverseeSessions, type SessionAccessFacts } from '../../domain/session/session.access';
import type { Principal } from '../../domain/shared/event';
import type { SessionHistoryDoc } from '../../read-models/session-history/session-history.view';
import type { SessionRow } from '../contracts/session-history.contracts';
import type { Filter } from '../ports/read-store.port';

/** The access facts of a history row (its tenant is the session's account). */
export const accessFactsOf = (doc: SessionHistoryDoc): SessionAccessFacts => ({
  accountId: doc.tenantId,
  ownerUserId: doc.ownerUserId,
  technicians: doc.technicianIds,
});

/** Whether the caller may see this session: its owner, a technician who joined it, or someone who oversees the account's sessions. */
export const maySeeSession = (principal: Principal, doc: SessionHistoryDoc): boolean => mayJoinSession(principal, accessFactsOf(doc));

/** The rows the caller took part in: sessions they opened or joined. */
export const takenPartIn = (principal: Principal): Filter => ({ $or: [{ ownerUserId: principal.id }, { technicianIds: principal.id }] });

/** The read-store condition of "rows the caller may see": everything for those who oversee the account, their own otherwise. */
export const visibleTo = (principal: Principal): Filter => (mayOverseeSessions(principal, principal.tenantId) ? {} : takenPartIn(principal));

/** A history document as the console reads it (without the store's and the filters' own fields). */
export function toSessionRow(doc: SessionHistoryDoc): SessionRow {
  const firstHost = doc.endUsers.find((u) => u.hostname !== null)?.hostname ?? null;
  return {
    id: doc.id,
    source: doc.source,
    status: doc.status,
    openedAt: doc.openedAt,
    startedAt: doc.startedAt,
    endedAt: doc.endedAt,
    durationSeconds: doc.durationSeconds,
    computerId: doc.computerId,
    computerName: doc.computerName ?? firstHost,
    ownerUserId: doc.ownerUserId,
    ownerName: doc.ownerName,
    technicians: doc.technicians.map(({ userId, displayName }) => ({ userId, displayName })),
    endUsers: doc.endUsers.map(({ participantId, name, present }) => ({ participantId, name, present })),
    sharer: doc.sharer,
    ticket: doc.ticket,
    endUserName: doc.endUserName,
    endReason: doc.endReason,
    commandLineCount: doc.commandLineCount,
    recordingChunks: doc.recordingChunks,
    expiresAt: doc.expiresAt,
  };
}

export const allOf = (conditions: readonly Filter[]): Filter => {
  const real = conditions.filter((c) => Object.keys(c).length > 0);
  return real.length === 0 ? {} : real.length === 1 ? real[0] : { $and: real };
};
