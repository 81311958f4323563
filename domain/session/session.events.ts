import type { Actor, Event } from '../shared/event';

/**
 * Where a session came from: the console's one-click Connect on an unattended computer, a
 * technician's support link, a 6-digit connection ID typed into the agent, a permalink, or the
 * mobile console (a console start flagged by the client).
 */
export type SessionSource = 'console' | 'link' | 'connection-id' | 'permalink' | 'mobile';
export const SESSION_SOURCES: readonly SessionSource[] = ['console', 'link', 'connection-id', 'permalink', 'mobile'];

/** Why a session ended. `agent-lost`: the agent was gone for longer than the timeout. `expired`: nobody came before the link or code expired. */
export type SessionEndReason = 'technician' | 'end-user' | 'admin' | 'agent-lost' | 'expired';
export const SESSION_END_REASONS: readonly SessionEndReason[] = ['technician', 'end-user', 'admin', 'agent-lost', 'expired'];

/**
 * A session is opened (waiting), started at the first technician's connection (active), and ended
 * once. Its stream is `session-<sessionId>`; the tenant is the account of the technician who opened
 * it (for a permalink opened by someone not signed in: the permalink's account). The computer may
 * belong to the same account, or to the `demo` tenant for the demo computer.
 */
export type SessionOpened = Event<
  'SessionOpened',
  {
    sessionId: string;
    accountId: string;
    /** The technician whose console, link or code opened it ("sessions created from my link"). */
    ownerUserId: string;
    /** The owner's display name then (history rows show it without a user lookup). */
    ownerName: string;
    source: SessionSource;
    /** The unattended computer (console, permalink), or null until an end-user's agent arrives (link, connection ID). */
    computerId: string | null;
    /** The computer's account when it is not the session's (the demo computer). */
    computerAccountId: string | null;
    computerName: string | null;
    /** Free text the technician embeds in a support link. */
    ticket: string | null;
    endUserName: string | null;
    /** Link and connection-ID sessions expire if nobody arrives; null for the others. */
    expiresAt: string | null;
    /** The account's recording setting when the session opened. */
    recording: boolean;
    /** For a permalink start. */
    permalinkPath: string | null;
    openedAt: string;
  }
>;

/** An end-user opened the link or typed the code: they are "ready" and show in the technicians' available connections. */
export type EndUserArrived = Event<
  'EndUserArrived',
  {
    participantId: string;
    name: string;
    ip: string | null;
    /** SHA-256 of the participant's key (the key itself is given to the end-user's agent once). */
    keyHash: string;
    hostname: string | null;
    platform: string | null;
    at: string;
  }
>;

export type EndUserLeft = Event<'EndUserLeft', { participantId: string; at: string }>;

/** Which end-user's screen the session shows: only one of several end-users of one link shares at a time. */
export type ScreenSharerChosen = Event<'ScreenSharerChosen', { participantId: string; byUserId: string; at: string }>;

export type TechnicianJoined = Event<'TechnicianJoined', { userId: string; displayName: string; at: string }>;
export type TechnicianLeft = Event<'TechnicianLeft', { userId: string; at: string }>;

/** The first technician connected: the session is active from here (its duration counts from `at`). */
export type SessionStarted = Event<'SessionStarted', { byUserId: string; at: string }>;

export type PromptOpened = Event<'PromptOpened', { promptId: string; byUserId: string; at: string }>;
/** One command line typed into a web prompt (Enter pressed), for the audit. */
export type CommandLineRecorded = Event<'CommandLineRecorded', { promptId: string; byUserId: string; line: string; at: string }>;
export type PromptClosed = Event<'PromptClosed', { promptId: string; at: string; exitCode: number | null }>;

/** A stored piece of the recording: frames between `from` and `to`, their blob and its SHA-256 (tamper evidence). */
export type RecordingChunkStored = Event<
  'RecordingChunkStored',
  { chunk: number; blobKey: string; from: string; to: string; frames: number; bytes: number; sha256: string }
>;

export type SessionEnded = Event<'SessionEnded', { reason: SessionEndReason; by: Actor | null; at: string }>;

export type SessionEvent =
  | SessionOpened
  | EndUserArrived
  | EndUserLeft
  | ScreenSharerChosen
  | TechnicianJoined
  | TechnicianLeft
  | SessionStarted
  | PromptOpened
  | CommandLineRecorded
  | PromptClosed
  | RecordingChunkStored
  | SessionEnded;

export const SESSION_EVENT_TYPES: readonly SessionEvent['type'][] = [
  'SessionOpened',
  'EndUserArrived',
  'EndUserLeft',
  'ScreenSharerChosen',
  'TechnicianJoined',
  'TechnicianLeft',
  'SessionStarted',
  'PromptOpened',
  'CommandLineRecorded',
  'PromptClosed',
  'RecordingChunkStored',
  'SessionEnded',
];

/** A 6-digit connection ID, one stream per code (`connectioncode-<digits>`): issued, then redeemed once or left to expire. */
export type ConnectionCodeIssued = Event<
  'ConnectionCodeIssued',
  { code: string; sessionId: string; accountId: string; issuedBy: string; expiresAt: string; at: string }
>;
export type ConnectionCodeRedeemed = Event<'ConnectionCodeRedeemed', { code: string; sessionId: string; participantId: string; at: string }>;
export type ConnectionCodeEvent = ConnectionCodeIssued | ConnectionCodeRedeemed;
export const CONNECTION_CODE_EVENT_TYPES: readonly ConnectionCodeEvent['type'][] = ['ConnectionCodeIssued', 'ConnectionCodeRedeemed'];

/**
 * A permalink, one stream per account and path (`permalink-<accountId>.<path>`): a readable path that
 * opens a session on one computer, optionally to people who are not signed in, behind a password.
 */
export type PermalinkCreated = Event<
  'PermalinkCreated',
  { accountId: string; path: string; computerId: string; public: boolean; passwordHash: string | null; createdBy: string; at: string }
>;
export type PermalinkChanged = Event<'PermalinkChanged', { public: boolean; passwordHash: string | null; computerId: string; at: string }>;
export type PermalinkRemoved = Event<'PermalinkRemoved', { at: string }>;
export type PermalinkEvent = PermalinkCreated | PermalinkChanged | PermalinkRemoved;
export const PERMALINK_EVENT_TYPES: readonly PermalinkEvent['type'][] = ['PermalinkCreated', 'PermalinkChanged', 'PermalinkRemoved'];
