import type { Actor } from '../../domain/shared/event';
import type { SessionEndReason, SessionSource } from '../../domain/session/session.events';

export const SESSION_ACCESS = Symbol('SessionAccess');

/** Where a realtime request came from, for the events' metadata and the audit of refusals. */
export interface SessionOrigin {
  readonly ip: string;
}

/** What a session is, as the realtime side needs it. */
export interface SessionFacts {
  readonly sessionId: string;
  /** The session's tenant (its stream's). */
  readonly tenantId: string;
  readonly source: SessionSource;
  /** The unattended computer; null for link and connection-ID sessions (their agent is an end-user's participant). */
  readonly computerId: string | null;
  readonly computerName: string | null;
  /** Of several end-users of one link, the one whose screen is shown (null: none chosen yet, or a computer session). */
  readonly sharer: string | null;
  readonly recording: boolean;
  readonly ended: boolean;
}

/** A viewer let into a session: a technician (signed in) or a guest (a permalink opened without signing in). */
export interface ViewerGrant extends SessionFacts {
  readonly kind: 'technician' | 'guest';
  /** The user id, or `guest:<id>` for a guest. */
  readonly userId: string;
  readonly displayName: string;
}

/** An end-user's agent that joined a session by link or connection ID. */
export interface ParticipantGrant extends SessionFacts {
  readonly participantId: string;
}

export type SessionRefusal = {
  readonly refused: 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'ENDED';
  readonly message: string;
};

/**
 * What the realtime gateways ask of the session use cases: the gateways decide nothing themselves.
 * Every refusal is recorded for the audit log by the implementation; every change is an event of the
 * session's stream.
 */
export interface SessionAccess {
  /** A viewer says hello with an access token or a permalink viewer token: TechnicianJoined (and SessionStarted on the first). */
  joinAsViewer(token: string, sessionId: string, origin: SessionOrigin): Promise<ViewerGrant | SessionRefusal>;
  /** The viewer's socket closed: TechnicianLeft. */
  leaveAsViewer(grant: ViewerGrant, origin: SessionOrigin): Promise<void>;
  /** An end-user's agent says hello with its participant key. */
  authenticateParticipant(participantKey: string, origin: SessionOrigin): Promise<ParticipantGrant | SessionRefusal>;
  /** The end-user's agent left or was lost: EndUserLeft. */
  participantLeft(grant: ParticipantGrant, origin: SessionOrigin): Promise<void>;
  /** Of several end-users of one link, show this one: ScreenSharerChosen. Refused when another one is sharing and still connected is NOT a refusal: the new choice replaces it. */
  chooseSharer(grant: ViewerGrant, participantId: string, origin: SessionOrigin): Promise<SessionFacts | SessionRefusal>;
  /** Facts of a session, for the node that holds its agent (recording, tenant); null when unknown. */
  describe(sessionId: string): Promise<SessionFacts | null>;
  /** Ends the session once (a second end is a no-op that returns false); tells viewers and the agent through the relay. */
  end(sessionId: string, reason: SessionEndReason, by: Actor | null, origin: SessionOrigin): Promise<boolean>;
  promptOpened(grant: ViewerGrant, promptId: string, origin: SessionOrigin): Promise<void>;
  /** One command line typed into a prompt (the gateway assembles lines from the bytes typed, up to Enter). */
  commandLine(grant: ViewerGrant, promptId: string, line: string, origin: SessionOrigin): Promise<void>;
  promptClosed(facts: SessionFacts, promptId: string, exitCode: number | null): Promise<void>;
  /**
   * A link serving the session was closed for a malformed or oversized message: recorded for the
   * audit log in the session's tenant (action session-protocol, the error code as the reason).
   */
  protocolViolation(sessionId: string, by: Actor, code: string, origin: SessionOrigin): Promise<void>;
}

/** A session whose agent is gone longer than this ends with reason `agent-lost` (SESSION_AGENT_LOST_MS). */
export const DEFAULT_AGENT_LOST_MS = 60_000;
/** Frame rate and JPEG quality a session starts with; the agent adapts from there. */
export const DEFAULT_SESSION_MAX_FPS = 15;
export const DEFAULT_SESSION_QUALITY = 70;

/** Stores a session's frames as blobs with their times (when the account records sessions). */
export const SESSION_RECORDER = Symbol('SessionRecorder');

export interface SessionRecorder {
  /** A screen frame as the agent sent it, at `atMs` (server clock). Buffered; written in chunks. */
  record(facts: SessionFacts, frame: Uint8Array, atMs: number): void;
  /** Flushes and forgets the session (it ended or its agent left this node). */
  finish(sessionId: string): Promise<void>;
  close(): Promise<void>;
}
