/**
 * Remote sessions as the console lists them: available connections and active sessions
 * (`GET /api/sessions`), the history (`GET /api/sessions/history`, `.csv`), one session
 * (`GET /api/sessions/:id`) and its recording (`GET /api/sessions/:id/recording`).
 * Times are ISO-8601 UTC strings.
 */

export type SessionSourceView = 'console' | 'link' | 'connection-id' | 'permalink' | 'mobile';
export type SessionStatusView = 'waiting' | 'active' | 'ended';
export type SessionEndReasonView = 'technician' | 'end-user' | 'admin' | 'agent-lost' | 'expired';

export interface SessionTechnicianView {
  readonly userId: string;
  readonly displayName: string;
}

export interface SessionEndUserView {
  readonly participantId: string;
  readonly name: string;
  /** Their agent is in the session now (false once it left, and for every end-user of an ended session). */
  readonly present: boolean;
}

/** One session, as a row of the lists and the history. */
export interface SessionRow {
  readonly id: string;
  readonly source: SessionSourceView;
  readonly status: SessionStatusView;
  readonly openedAt: string;
  /** When the first technician connected; null while waiting (and for a session nobody connected to). */
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** From start to end, in whole seconds; null until both are known. */
  readonly durationSeconds: number | null;
  /** The unattended computer; null for link and connection-ID sessions. */
  readonly computerId: string | null;
  /** The computer's name, or the end-user's host name for link and connection-ID sessions. */
  readonly computerName: string | null;
  readonly ownerUserId: string;
  readonly ownerName: string;
  /** Every technician who joined, in order of first arrival. */
  readonly technicians: readonly SessionTechnicianView[];
  readonly endUsers: readonly SessionEndUserView[];
  /** The participant whose screen is shown, of several end-users of one link. */
  readonly sharer: string | null;
  readonly ticket: string | null;
  readonly endUserName: string | null;
  readonly endReason: SessionEndReasonView | null;
  readonly commandLineCount: number;
  readonly recordingChunks: number;
  /** Link and connection-ID sessions expire if nobody arrives. */
  readonly expiresAt: string | null;
}

/** `GET /api/sessions`: available connections and active sessions, newest first. */
export interface SessionListResponse {
  readonly items: readonly SessionRow[];
}

/** `GET /api/sessions/history`: newest first; pass `next` as `after` for the following page. */
export interface SessionHistoryPage {
  readonly items: readonly SessionRow[];
  readonly next: string | null;
}

export interface SessionCommandLineView {
  readonly promptId: string;
  readonly byUserId: string;
  readonly line: string;
  readonly at: string;
}

/** `GET /api/sessions/:id`. */
export interface SessionDetailsView extends SessionRow {
  readonly commandLines: readonly SessionCommandLineView[];
}

export interface RecordingChunkView {
  /** 0, 1, 2… in order; `GET /api/sessions/:id/recording/:chunk` streams it. */
  readonly chunk: number;
  /** Time of the chunk's first frame offset 0, and of its last frame. */
  readonly from: string;
  readonly to: string;
  readonly frames: number;
  readonly bytes: number;
  /** SHA-256 (hex) of the chunk's bytes, as recorded in the session's events. */
  readonly sha256: string;
}

export interface SessionTimelineEventView {
  readonly type: string;
  readonly at: string;
  readonly summary: string;
}

/**
 * `GET /api/sessions/:id/recording`. A chunk's bytes are frames one after another, each
 * `[u32 BE ms offset from the chunk's from][u32 BE length][frame bytes]` (the frame as the agent
 * sent it: `decodeFrame` of session.protocol reads it).
 */
export interface SessionRecordingView {
  readonly chunks: readonly RecordingChunkView[];
  /** The session's events, oldest first, to draw on the player's timeline. */
  readonly events: readonly SessionTimelineEventView[];
}

/** Largest history page; the CSV export walks the filtered set page by page at this size. */
export const SESSION_HISTORY_PAGE_MAX = 200;
export const SESSION_HISTORY_PAGE_DEFAULT = 50;
