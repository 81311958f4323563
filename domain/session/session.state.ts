import { assertNever } from '../shared/event';
import type { SessionEndReason, SessionEvent, SessionSource } from './session.events';

export interface SessionEndUser {
  readonly participantId: string;
  readonly name: string;
  readonly keyHash: string;
  readonly present: boolean;
}

export interface SessionPrompt {
  readonly promptId: string;
  readonly byUserId: string;
  readonly open: boolean;
}

/** A session that was opened: waiting for its first technician, active, or ended. */
export interface Session {
  readonly status: 'waiting' | 'active' | 'ended';
  readonly sessionId: string;
  readonly accountId: string;
  readonly ownerUserId: string;
  readonly ownerName: string;
  readonly source: SessionSource;
  readonly computerId: string | null;
  readonly computerAccountId: string | null;
  readonly computerName: string | null;
  readonly ticket: string | null;
  readonly endUserName: string | null;
  readonly openedAt: string;
  readonly expiresAt: string | null;
  readonly recording: boolean;
  readonly permalinkPath: string | null;
  readonly endUsers: readonly SessionEndUser[];
  readonly sharer: string | null;
  /** Everyone who ever joined as a viewer ("a technician already in it" may come back). */
  readonly technicians: readonly string[];
  /** Viewers connected now. */
  readonly present: readonly string[];
  readonly prompts: readonly SessionPrompt[];
  /** Number of the last recording chunk stored; -1 before the first. */
  readonly lastChunk: number;
  readonly endReason: SessionEndReason | null;
}

export type SessionState = { readonly status: 'none' } | Session;

export const initialState = (): SessionState => ({ status: 'none' });

const withItem = (list: readonly string[], item: string): readonly string[] => (list.includes(item) ? list : [...list, item]);
const without = (list: readonly string[], item: string): readonly string[] => list.filter((x) => x !== item);

/** Changes an opened session; an event before SessionOpened (never written by the decider) leaves the state as it is. */
function opened(state: SessionState, change: (session: Session) => Session): SessionState {
  return state.status === 'none' ? state : change(state);
}

const setPresence = (endUsers: readonly SessionEndUser[], participantId: string, present: boolean): readonly SessionEndUser[] =>
  endUsers.map((u) => (u.participantId === participantId ? { ...u, present } : u));

export function evolve(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'SessionOpened': {
      const d = event.data;
      return {
        status: 'waiting',
        sessionId: d.sessionId,
        accountId: d.accountId,
        ownerUserId: d.ownerUserId,
        ownerName: d.ownerName,
        source: d.source,
        computerId: d.computerId,
        computerAccountId: d.computerAccountId,
        computerName: d.computerName,
        ticket: d.ticket,
        endUserName: d.endUserName,
        openedAt: d.openedAt,
        expiresAt: d.expiresAt,
        recording: d.recording,
        permalinkPath: d.permalinkPath,
        endUsers: [],
        sharer: null,
        technicians: [],
        present: [],
        prompts: [],
        lastChunk: -1,
        endReason: null,
      };
    }
    case 'EndUserArrived': {
      const { participantId, name, keyHash } = event.data;
      return opened(state, (s) => ({ ...s, endUsers: [...s.endUsers, { participantId, name, keyHash, present: true }] }));
    }
    case 'EndUserLeft':
      return opened(state, (s) => ({ ...s, endUsers: setPresence(s.endUsers, event.data.participantId, false) }));
    case 'ScreenSharerChosen':
      return opened(state, (s) => ({ ...s, sharer: event.data.participantId }));
    case 'TechnicianJoined':
      return opened(state, (s) => ({
        ...s,
        technicians: withItem(s.technicians, event.data.userId),
        present: withItem(s.present, event.data.userId),
      }));
    case 'TechnicianLeft':
      return opened(state, (s) => ({ ...s, present: without(s.present, event.data.userId) }));
    case 'SessionStarted':
      return opened(state, (s) => (s.status === 'waiting' ? { ...s, status: 'active' } : s));
    case 'PromptOpened':
      return opened(state, (s) => ({ ...s, prompts: [...s.prompts, { promptId: event.data.promptId, byUserId: event.data.byUserId, open: true }] }));
    case 'CommandLineRecorded':
      return state;
    case 'PromptClosed':
      return opened(state, (s) => ({
        ...s,
        prompts: s.prompts.map((p) => (p.promptId === event.data.promptId ? { ...p, open: false } : p)),
      }));
    case 'RecordingChunkStored':
      return opened(state, (s) => ({ ...s, lastChunk: Math.max(s.lastChunk, event.data.chunk) }));
    case 'SessionEnded':
      return opened(state, (s) => ({
        ...s,
        status: 'ended',
        present: [],
        endUsers: s.endUsers.map((u) => ({ ...u, present: false })),
        prompts: s.prompts.map((p) => ({ ...p, open: false })),
        endReason: event.data.reason,
      }));
    default:
      return assertNever(event, 'session event');
  }
}
