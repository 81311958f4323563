import { DomainError } from '../shared/domain-error';
import { assertNever, type Actor, type Decider, type Principal } from '../shared/event';
import { hasExpired } from '../user/user.time';
import { isSessionTechnician, mayJoinSession, mayOverseeSessions } from './session.access';
import type {
  ArriveEndUser,
  ChooseSharer,
  ClosePrompt,
  EndSession,
  JoinSession,
  LeaveEndUser,
  LeaveSession,
  OpenPrompt,
  OpenSession,
  RecordCommandLine,
  RecordRecordingChunk,
  SessionCommand,
} from './session.commands';
import type { SessionEvent } from './session.events';
import { evolve, initialState, type Session, type SessionState } from './session.state';

/** Names (end-user, display name, ticket) are shown in lists and mails: short, printable. */
export const SESSION_TEXT_MAX = 64;
/** Several end-users may open one link; enough for a family or an office, few enough for one console. */
export const SESSION_END_USERS_MAX = 20;
/** A command line longer than this is not a line anyone typed. */
export const COMMAND_LINE_MAX = 4096;
/** Guests (permalinks opened without signing in) are named `guest:<id>`. */
export const GUEST_PREFIX = 'guest:';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
// Control characters have no place in a name shown in lists and mails.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const invalid = (message: string) => new DomainError('SESSION_INPUT_INVALID', message);
const forbidden = (message: string) => new DomainError('SESSION_FORBIDDEN', message);

function validText(value: string, what: string): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed.length === 0 || trimmed.length > SESSION_TEXT_MAX || CONTROL_CHARACTERS.test(trimmed)) {
    throw invalid(`${what} has 1 to ${SESSION_TEXT_MAX} printable characters`);
  }
  return trimmed;
}

const optionalText = (value: string | null, what: string): string | null => (value === null ? null : validText(value, what));

/** The session as the caller may address it: unknown, and any session of another tenant, is "not found". */
function existing(state: SessionState, principal: Principal): Session {
  if (state.status === 'none' || state.accountId !== principal.tenantId) throw new DomainError('SESSION_NOT_FOUND', 'No such session');
  return state;
}

function notEnded(session: Session): Session {
  if (session.status === 'ended') throw new DomainError('SESSION_ENDED', 'The session has ended');
  return session;
}

/** A link or code session nobody came to before its expiry: it can only end (reason `expired`). */
export const isUnclaimedAndExpired = (session: Session, now: string): boolean =>
  session.expiresAt !== null && session.endUsers.length === 0 && hasExpired(session.expiresAt, now);

function notExpired(session: Session, now: string): Session {
  if (isUnclaimedAndExpired(session, now)) throw new DomainError('SESSION_LINK_EXPIRED', 'Nobody came before the session expired');
  return session;
}

const isGuest = (principal: Principal): boolean => principal.kind === 'customer' && principal.id.startsWith(GUEST_PREFIX);

/**
 * A technician opens a session for themself (the owner), in their own tenant; the server opens one
 * for a permalink guest in the permalink's account. Computer sessions name their computer; link and
 * code sessions wait for an end-user's agent and expire.
 */
export function openSession(command: OpenSession, state: SessionState): SessionEvent[] {
  if (state.status !== 'none') throw new DomainError('SESSION_ALREADY_EXISTS', 'This session already exists');
  const d = command.data;
  const { principal } = command.context;
  if (principal.tenantId !== d.accountId) throw forbidden('A session is opened in its own tenant');
  if (principal.kind === 'user' ? principal.id !== d.ownerUserId : principal.kind !== 'system') {
    throw forbidden('A technician opens sessions in their own name');
  }
  const waitsForEndUser = d.source === 'link' || d.source === 'connection-id';
  if (waitsForEndUser ? d.computerId !== null || d.expiresAt === null : d.computerId === null) {
    throw invalid('Computer sessions name their computer; link and code sessions wait for an end-user and expire');
  }
  if ((d.source === 'permalink') !== (d.permalinkPath !== null)) throw invalid('A permalink session names its permalink, and only it');
  if (d.source !== 'permalink' && principal.kind !== 'user') throw forbidden('Only a permalink opens a session for someone not signed in');
  return [
    {
      type: 'SessionOpened',
      data: {
        ...d,
        ownerName: validText(d.ownerName, 'The owner name'),
        ticket: optionalText(d.ticket, 'A ticket'),
        endUserName: optionalText(d.endUserName, 'The end-user name'),
        openedAt: command.context.now,
      },
    },
  ];
}

/**
 * An end-user's agent arrives by link or code (never on a computer session) while the session is
 * open and not expired. The first end-user present becomes the sharer at once: with one end-user
 * there is nothing to choose.
 */
export function arriveEndUser(command: ArriveEndUser, state: SessionState): SessionEvent[] {
  const { principal, now } = command.context;
  const session = notExpired(notEnded(existing(state, principal)), now);
  if (principal.kind !== 'system' && principal.kind !== 'customer') throw forbidden('End-users arrive through the support join');
  if (session.source !== 'link' && session.source !== 'connection-id') {
    throw new DomainError('SESSION_NOT_JOINABLE', 'Only link and connection-ID sessions take end-users');
  }
  const d = command.data;
  if (!ID.test(d.participantId) || !SHA256_HEX.test(d.keyHash)) throw invalid('A participant needs an id and the SHA-256 of its key');
  if (session.endUsers.some((u) => u.participantId === d.participantId)) throw new DomainError('SESSION_PARTICIPANT_EXISTS', 'This participant already arrived');
  if (session.endUsers.length >= SESSION_END_USERS_MAX) throw new DomainError('SESSION_FULL', `A session takes at most ${SESSION_END_USERS_MAX} end-users`);
  const arrived: SessionEvent = {
    type: 'EndUserArrived',
    data: {
      participantId: d.participantId,
      name: validText(d.name, 'The end-user name'),
      ip: d.ip,
      keyHash: d.keyHash,
      hostname: d.hostname === null ? null : d.hostname.slice(0, 255),
      platform: d.platform === null ? null : d.platform.slice(0, 32),
      at: now,
    },
  };
  const sharerPresent = session.endUsers.some((u) => u.participantId === session.sharer && u.present);
  if (sharerPresent) return [arrived];
  return [arrived, { type: 'ScreenSharerChosen', data: { participantId: d.participantId, byUserId: principal.id, at: now } }];
}

/** The end-user's agent left; leaving twice, or after the end, records nothing. */
export function leaveEndUser(command: LeaveEndUser, state: SessionState): SessionEvent[] {
  const { principal, now } = command.context;
  const session = existing(state, principal);
  if (principal.kind !== 'system' && principal.kind !== 'customer') throw forbidden('End-users leave through their agent');
  const endUser = session.endUsers.find((u) => u.participantId === command.data.participantId);
  if (!endUser) throw new DomainError('SESSION_PARTICIPANT_UNKNOWN', 'No such end-user in this session');
  if (!endUser.present || session.status === 'ended') return [];
  return [{ type: 'EndUserLeft', data: { participantId: endUser.participantId, at: now } }];
}

/** A technician connected to the session picks one present end-user's screen; the same choice records nothing. */
export function chooseSharer(command: ChooseSharer, state: SessionState): SessionEvent[] {
  const { principal, now } = command.context;
  const session = notEnded(existing(state, principal));
  if (principal.kind !== 'user' || !session.present.includes(principal.id)) throw forbidden('Only a technician connected to the session chooses the sharer');
  const endUser = session.endUsers.find((u) => u.participantId === command.data.participantId && u.present);
  if (!endUser) throw new DomainError('SESSION_PARTICIPANT_UNKNOWN', 'No such end-user is in this session now');
  if (session.sharer === endUser.participantId) return [];
  return [{ type: 'ScreenSharerChosen', data: { participantId: endUser.participantId, byUserId: principal.id, at: now } }];
}

/**
 * A viewer joins: a technician who may join it (owner, a technician already in it, or someone who
 * oversees the account's sessions), or a guest of a permalink session. The first viewer starts the
 * session; a viewer already connected records nothing.
 */
export function joinSession(command: JoinSession, state: SessionState): SessionEvent[] {
  const { principal, now } = command.context;
  const session = notExpired(notEnded(existing(state, principal)), now);
  const { userId } = command.data;
  if (principal.id !== userId) throw forbidden('Viewers join in their own name');
  const guestOfPermalink = isGuest(principal) && session.source === 'permalink';
  if (!guestOfPermalink && !mayJoinSession(principal, session)) throw forbidden('You may not join this session');
  if (session.present.includes(userId)) return [];
  const joined: SessionEvent = { type: 'TechnicianJoined', data: { userId, displayName: validText(command.data.displayName, 'A display name'), at: now } };
  if (session.status !== 'waiting') return [joined];
  return [joined, { type: 'SessionStarted', data: { byUserId: userId, at: now } }];
}

/** A viewer's socket closed (the viewer, or the server for it); a viewer not connected records nothing. */
export function leaveSession(command: LeaveSession, state: SessionState): SessionEvent[] {
  const { principal, now } = command.context;
  const session = existing(state, principal);
  if (principal.kind !== 'system' && principal.id !== command.data.userId) throw forbidden('Viewers leave in their own name');
  if (!session.present.includes(command.data.userId)) return [];
  return [{ type: 'TechnicianLeft', data: { userId: command.data.userId, at: now } }];
}

/** Technicians connected to an active session open web prompts; guests never get a shell. */
export function openPrompt(command: OpenPrompt, state: SessionState): SessionEvent[] {
  const { principal, now } = command.context;
  const session = notEnded(existing(state, principal));
  if (principal.kind !== 'user' || !session.present.includes(principal.id)) throw forbidden('Only a technician connected to the session opens a prompt');
  if (!ID.test(command.data.promptId)) throw invalid('A prompt id is 1 to 64 letters, digits, _ or -');
  if (session.prompts.some((p) => p.promptId === command.data.promptId)) throw new DomainError('SESSION_PROMPT_EXISTS', 'This prompt is already open');
  return [{ type: 'PromptOpened', data: { promptId: command.data.promptId, byUserId: principal.id, at: now } }];
}

/** Each line typed into an open prompt is recorded for the audit, in the name of the prompt's technician; an empty line records nothing. */
export function recordCommandLine(command: RecordCommandLine, state: SessionState): SessionEvent[] {
  const { principal, now } = command.context;
  const session = notEnded(existing(state, principal));
  const prompt = session.prompts.find((p) => p.promptId === command.data.promptId && p.open);
  if (!prompt) throw new DomainError('SESSION_PROMPT_UNKNOWN', 'No such prompt is open');
  if (principal.kind !== 'user' || principal.id !== prompt.byUserId) throw forbidden('Only the prompt\'s technician types into it');
  const { line } = command.data;
  if (typeof line !== 'string' || line.length > COMMAND_LINE_MAX) throw invalid(`A command line has at most ${COMMAND_LINE_MAX} characters`);
  if (line.trim().length === 0) return [];
  return [{ type: 'CommandLineRecorded', data: { promptId: prompt.promptId, byUserId: prompt.byUserId, line, at: now } }];
}

/** The shell exited or the viewer closed it; a prompt already closed (or never opened) records nothing. */
export function closePrompt(command: ClosePrompt, state: SessionState): SessionEvent[] {
  const { principal, now } = command.context;
  const session = existing(state, principal);
  const prompt = session.prompts.find((p) => p.promptId === command.data.promptId && p.open);
  if (!prompt) return [];
  if (principal.kind !== 'system' && principal.id !== prompt.byUserId) throw forbidden('Only the prompt\'s technician or the server closes it');
  const { exitCode } = command.data;
  if (exitCode !== null && !Number.isSafeInteger(exitCode)) throw invalid('An exit code is an integer');
  return [{ type: 'PromptClosed', data: { promptId: prompt.promptId, at: now, exitCode } }];
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * The server stores recordings of sessions that record (the account's setting when they opened),
 * also just after their end (the last chunk is flushed then). A chunk already stored records nothing,
 * so a retried write is harmless.
 */
export function recordRecordingChunk(command: RecordRecordingChunk, state: SessionState): SessionEvent[] {
  const { principal } = command.context;
  const session = existing(state, principal);
  if (principal.kind !== 'system') throw forbidden('Only the server stores recordings');
  if (!session.recording) throw new DomainError('SESSION_NOT_RECORDED', 'This session is not recorded');
  const d = command.data;
  const times = !Number.isNaN(Date.parse(d.from)) && !Number.isNaN(Date.parse(d.to)) && Date.parse(d.from) <= Date.parse(d.to);
  if (!isCount(d.chunk) || !isCount(d.frames) || !isCount(d.bytes) || !SHA256_HEX.test(d.sha256) || !d.blobKey || !times) {
    throw invalid('A recording chunk needs its number, blob key, times, counts and SHA-256');
  }
  if (d.chunk <= session.lastChunk) return [];
  return [{ type: 'RecordingChunkStored', data: { ...d } }];
}

/** Who ended it, as the event records it. */
function endedBy(command: EndSession): Actor | null {
  const { principal } = command.context;
  if (principal.kind === 'system') return command.data.by ?? null;
  return { kind: principal.kind, id: principal.id };
}

/** Whether this caller may end the session for this reason. */
function mayEndFor(command: EndSession, session: Session): boolean {
  const { principal, now } = command.context;
  switch (command.data.reason) {
    case 'technician':
      return isSessionTechnician(principal, session) || principal.kind === 'system';
    case 'admin':
      return mayOverseeSessions(principal, session.accountId) && principal.kind !== 'customer';
    case 'end-user':
    case 'agent-lost':
      return principal.kind === 'system';
    case 'expired':
      if (principal.kind !== 'system') return false;
      if (!isUnclaimedAndExpired(session, now)) throw new DomainError('SESSION_NOT_EXPIRED', 'Someone came, or the session has not expired yet');
      return true;
    default:
      return assertNever(command.data.reason, 'end reason');
  }
}

/**
 * A session ends once, with its reason: by one of its technicians (`technician`), by someone who
 * oversees the account's sessions (`admin`), or by the server for the end-user, a lost agent or an
 * expiry it checked. Ending an ended session records nothing.
 */
export function endSession(command: EndSession, state: SessionState): SessionEvent[] {
  const session = existing(state, command.context.principal);
  if (session.status === 'ended') return [];
  if (!mayEndFor(command, session)) throw forbidden(`You may not end this session (reason ${command.data.reason})`);
  return [{ type: 'SessionEnded', data: { reason: command.data.reason, by: endedBy(command), at: command.context.now } }];
}

export function decide(command: SessionCommand, state: SessionState): SessionEvent[] {
  switch (command.type) {
    case 'OpenSession':
      return openSession(command, state);
    case 'ArriveEndUser':
      return arriveEndUser(command, state);
    case 'LeaveEndUser':
      return leaveEndUser(command, state);
    case 'ChooseSharer':
      return chooseSharer(command, state);
    case 'JoinSession':
      return joinSession(command, state);
    case 'LeaveSession':
      return leaveSession(command, state);
    case 'OpenPrompt':
      return openPrompt(command, state);
    case 'RecordCommandLine':
      return recordCommandLine(command, state);
    case 'ClosePrompt':
      return closePrompt(command, state);
    case 'RecordRecordingChunk':
      return recordRecordingChunk(command, state);
    case 'EndSession':
      return endSession(command, state);
    default:
      return assertNever(command, 'session command');
  }
}

export const sessionDecider: Decider<SessionCommand, SessionEvent, SessionState> = { decide, evolve, initialState };
