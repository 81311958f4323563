import type { IndexSpec } from '../../application/ports/read-store.port';
import { SESSION_EVENT_TYPES, type SessionEvent } from '../../domain/session/session.events';
import { assertNever } from '../../domain/shared/event';
import { parseStreamName } from '../../domain/shared/stream-name';
import type { Projection, ProjectedEvent } from '../projection';
import type { SessionHistoryDoc, SessionHistoryEndUser } from './session-history.view';

export const SESSION_HISTORY = 'session-history';

/** Whole seconds from start to end (never negative: clocks of two nodes may disagree by a little). */
export function durationSeconds(startedAt: string, endedAt: string): number {
  return Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(startedAt)) / 1000));
}

/** The session id of an event of a `session-<id>` stream (only SessionOpened repeats it in its data). */
function sessionIdOf(event: ProjectedEvent): string | null {
  const { category, id } = parseStreamName(event.stream);
  return category === 'session' ? id : null;
}

function placed(doc: SessionHistoryDoc | null, event: ProjectedEvent): SessionHistoryDoc {
  if (!doc) throw new Error(`${event.type} before SessionOpened in ${event.stream}`);
  return doc;
}

const withEndUser = (list: readonly SessionHistoryEndUser[], user: SessionHistoryEndUser): readonly SessionHistoryEndUser[] => [
  ...list.filter((u) => u.participantId !== user.participantId),
  user,
];

/** Every list orders by opening time, newest first, then id; filters lead their index. */
const NEWEST = { openedAt: -1, id: -1 } as const;
export const SESSION_HISTORY_INDEXES: readonly IndexSpec[] = [
  { keys: NEWEST },
  { keys: { ownerUserId: 1, ...NEWEST } },
  { keys: { technicianIds: 1, ...NEWEST } },
  { keys: { computerId: 1, ...NEWEST } },
  { keys: { source: 1, ...NEWEST } },
  { keys: { status: 1, ...NEWEST } },
];

/**
 * Sessions of a tenant (the tenant of the technician who opened them, whatever account the computer
 * is in): who, what, when and how long, for the available connections, the history and its export.
 * An event already applied (its stream revision is not newer than the document's) changes nothing.
 */
export const sessionHistoryProjection: Projection<SessionHistoryDoc> = {
  name: SESSION_HISTORY,
  version: 1,
  canHandle: SESSION_EVENT_TYPES,
  indexes: SESSION_HISTORY_INDEXES,
  docId: sessionIdOf,
  evolve(doc, projected) {
    if (doc && projected.revision <= doc.revision) return doc;
    const event = projected as unknown as SessionEvent & ProjectedEvent;
    const revision = projected.revision;
    switch (event.type) {
      case 'SessionOpened': {
        const d = event.data;
        return {
          id: d.sessionId,
          tenantId: projected.metadata.tenantId,
          source: d.source,
          status: 'waiting',
          openedAt: d.openedAt,
          startedAt: null,
          endedAt: null,
          durationSeconds: null,
          computerId: d.computerId,
          computerAccountId: d.computerAccountId,
          computerName: d.computerName,
          ownerUserId: d.ownerUserId,
          ownerName: d.ownerName,
          technicians: [],
          technicianIds: [],
          endUsers: [],
          sharer: null,
          ticket: d.ticket,
          endUserName: d.endUserName,
          endReason: null,
          commandLineCount: 0,
          recordingChunks: 0,
          recording: d.recording,
          permalinkPath: d.permalinkPath,
          expiresAt: d.expiresAt,
          revision,
        };
      }
      case 'EndUserArrived': {
        const current = placed(doc, event);
        const { participantId, name, hostname } = event.data;
        return { ...current, endUsers: withEndUser(current.endUsers, { participantId, name, present: true, hostname }), revision };
      }
      case 'EndUserLeft': {
        const current = placed(doc, event);
        const endUsers = current.endUsers.map((u) => (u.participantId === event.data.participantId ? { ...u, present: false } : u));
        const sharer = current.sharer === event.data.participantId ? null : current.sharer;
        return { ...current, endUsers, sharer, revision };
      }
      case 'ScreenSharerChosen':
        return { ...placed(doc, event), sharer: event.data.participantId, revision };
      case 'TechnicianJoined': {
        const current = placed(doc, event);
        const { userId, displayName } = event.data;
        if (current.technicianIds.includes(userId)) return { ...current, revision };
        return {
          ...current,
          technicians: [...current.technicians, { userId, displayName }],
          technicianIds: [...current.technicianIds, userId],
          revision,
        };
      }
      case 'TechnicianLeft':
      case 'PromptOpened':
      case 'PromptClosed':
        // The history keeps who took part, not who is there now; prompts count by their command lines.
        return { ...placed(doc, event), revision };
      case 'SessionStarted':
        return { ...placed(doc, event), status: 'active', startedAt: event.data.at, revision };
      case 'CommandLineRecorded': {
        const current = placed(doc, event);
        return { ...current, commandLineCount: current.commandLineCount + 1, revision };
      }
      case 'RecordingChunkStored': {
        const current = placed(doc, event);
        return { ...current, recordingChunks: Math.max(current.recordingChunks, event.data.chunk + 1), revision };
      }
      case 'SessionEnded': {
        const current = placed(doc, event);
        const { at, reason } = event.data;
        return {
          ...current,
          status: 'ended',
          endedAt: at,
          endReason: reason,
          durationSeconds: current.startedAt === null ? null : durationSeconds(current.startedAt, at),
          endUsers: current.endUsers.map((u) => ({ ...u, present: false })),
          revision,
        };
      }
      default:
        return assertNever(event, 'session event');
    }
  },
};
