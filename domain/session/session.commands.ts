import type { Actor, Command } from '../shared/event';
import type { RecordingChunkStored, SessionEndReason, SessionOpened } from './session.events';

/**
 * Opens a session (waiting). The application has resolved everything the decider cannot see: the
 * computer and the caller's right to it, the owner's display name, the account's recording setting,
 * the expiry of a link or code. `openedAt` is the command's time.
 */
export type OpenSession = Command<'OpenSession', Omit<SessionOpened['data'], 'openedAt'>>;

/** An end-user's agent arrived by support link or connection ID; the application generated the participant key and hashed it. */
export type ArriveEndUser = Command<
  'ArriveEndUser',
  { participantId: string; name: string; ip: string | null; keyHash: string; hostname: string | null; platform: string | null }
>;

/** The end-user's agent left (closed the support window) or its socket was lost. */
export type LeaveEndUser = Command<'LeaveEndUser', { participantId: string }>;

/** A technician in the session picks whose screen is shown, of several end-users of one link. */
export type ChooseSharer = Command<'ChooseSharer', { participantId: string }>;

/** A viewer connected: a technician (a user) or a permalink guest (a customer principal named `guest:<id>`). */
export type JoinSession = Command<'JoinSession', { userId: string; displayName: string }>;

/** A viewer's socket closed. */
export type LeaveSession = Command<'LeaveSession', { userId: string }>;

export type OpenPrompt = Command<'OpenPrompt', { promptId: string }>;
/** One line typed into a web prompt (Enter pressed), by the technician who opened the prompt. */
export type RecordCommandLine = Command<'RecordCommandLine', { promptId: string; line: string }>;
/** The prompt's shell exited, or the viewer closed it. */
export type ClosePrompt = Command<'ClosePrompt', { promptId: string; exitCode: number | null }>;

/** The recorder stored one chunk of frames as a blob (server only). */
export type RecordRecordingChunk = Command<'RecordRecordingChunk', RecordingChunkStored['data']>;

/**
 * Ends the session once. `by` names who ended it when the server runs the command for someone it
 * authenticated itself (an end-user's agent, a viewer socket); a user's own command is by that user.
 */
export type EndSession = Command<'EndSession', { reason: SessionEndReason; by?: Actor | null }>;

export type SessionCommand =
  | OpenSession
  | ArriveEndUser
  | LeaveEndUser
  | ChooseSharer
  | JoinSession
  | LeaveSession
  | OpenPrompt
  | RecordCommandLine
  | ClosePrompt
  | RecordRecordingChunk
  | EndSession;
