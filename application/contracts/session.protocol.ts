/**
 * Remote sessions on the wire, shared by the server gateways, the agent (`agent/`) and the Angular
 * console. Three links carry a session:
 *
 * - the agent link (`/agent`, protocol 2): JSON control messages below, plus binary frames;
 * - the viewer link (`/session`): one browser socket per session and viewer, JSON text up, JSON text
 *   and the agent's binary frames down;
 * - between server nodes: the session relay (memory or Redis) carries the same bytes.
 *
 * A binary frame is `[kind u8][header length u16 BE][header JSON utf8][payload]`. The header names the
 * session, so the gateway routes a frame after reading a few bytes and relays it unchanged (no
 * re-encoding): the browser decodes the very bytes the agent sent.
 */

export const SESSION_WS_PATH = '/session';
export const SESSION_PROTOCOL_VERSION = 1;

/** Largest binary frame (a full-screen keyframe of JPEG tiles fits well below). */
export const SESSION_MAX_FRAME_BYTES = 2 * 1024 * 1024;
/** Largest JSON message on the viewer link and of session control on the agent link. */
export const SESSION_MAX_MESSAGE_BYTES = 16 * 1024;
/** At most this many input events in one `input` message. */
export const SESSION_MAX_INPUT_EVENTS = 64;
/** Longest `prompt-data` string (bytes typed or pasted at once). */
export const SESSION_MAX_PROMPT_DATA = 4096;
/** A viewer opens at most this many prompts in one session. */
export const SESSION_MAX_PROMPTS = 8;
/** Session ids are UUIDs or 32 hex digits; prompt ids are short tokens chosen by the console. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const PROMPT_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export const FRAME_KIND = {
  /** Changed screen tiles: header `ScreenFrameHeader`, payload the tiles' encoded images, back to back. */
  SCREEN: 1,
  /** Bytes a prompt's PTY wrote: header `PromptOutputHeader`, payload the raw bytes. */
  PROMPT_OUTPUT: 2,
} as const;
export type FrameKind = (typeof FRAME_KIND)[keyof typeof FRAME_KIND];

export interface ScreenTile {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly f: 'jpeg' | 'png';
  /** Length in bytes of this tile's image in the payload. */
  readonly n: number;
}

export interface ScreenFrameHeader {
  /** Session id. */
  readonly s: string;
  /** Frame sequence number, from 0 per session start; the viewer acknowledges it. */
  readonly q: number;
  /** Capture time, ms since the epoch (agent clock): recordings and latency. */
  readonly t: number;
  /** Screen size. */
  readonly w: number;
  readonly h: number;
  /** A keyframe carries every tile: a viewer may start (or resume after drops) from it. */
  readonly k: boolean;
  readonly tiles: readonly ScreenTile[];
}

export interface PromptOutputHeader {
  readonly s: string;
  readonly p: string;
}

export type FrameHeader = ScreenFrameHeader | PromptOutputHeader;

export interface DecodedFrame<H extends FrameHeader = FrameHeader> {
  readonly kind: FrameKind;
  readonly header: H;
  /** A view into the frame's buffer, not a copy. */
  readonly payload: Uint8Array;
}

const MAX_HEADER_BYTES = 8 * 1024;

/** Builds a binary frame. */
export function encodeFrame(kind: FrameKind, header: FrameHeader, payload: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify(header));
  if (head.length > MAX_HEADER_BYTES) throw new RangeError('frame header too large');
  const out = new Uint8Array(3 + head.length + payload.length);
  out[0] = kind;
  out[1] = head.length >> 8;
  out[2] = head.length & 0xff;
  out.set(head, 3);
  out.set(payload, 3 + head.length);
  return out;
}

/** Reads only the kind and header (what routing needs); an error text when the frame is malformed. */
export function decodeFrame(bytes: Uint8Array): DecodedFrame | { readonly error: string } {
  if (bytes.length < 3) return { error: 'frame shorter than its prefix' };
  if (bytes.length > SESSION_MAX_FRAME_BYTES) return { error: 'frame too large' };
  const kind = bytes[0];
  if (kind !== FRAME_KIND.SCREEN && kind !== FRAME_KIND.PROMPT_OUTPUT) return { error: `unknown frame kind ${kind}` };
  const headLength = (bytes[1] << 8) | bytes[2];
  if (headLength === 0 || headLength > MAX_HEADER_BYTES || 3 + headLength > bytes.length) return { error: 'bad frame header length' };
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3, 3 + headLength)));
  } catch {
    return { error: 'frame header is not JSON' };
  }
  if (!isObject(header) || typeof header.s !== 'string' || !SESSION_ID_PATTERN.test(header.s)) return { error: 'frame header has no valid session id' };
  const payload = bytes.subarray(3 + headLength);
  if (kind === FRAME_KIND.PROMPT_OUTPUT) {
    if (typeof header.p !== 'string' || !PROMPT_ID_PATTERN.test(header.p)) return { error: 'prompt output header has no valid prompt id' };
    return { kind, header: { s: header.s, p: header.p }, payload };
  }
  const screen = checkScreenHeader(header, payload.length);
  if (typeof screen === 'string') return { error: screen };
  return { kind, header: screen, payload };
}

const MAX_SCREEN_SIDE = 16_384;
const MAX_TILES = 4096;

function checkScreenHeader(h: Record<string, unknown>, payloadLength: number): ScreenFrameHeader | string {
  if (!isCount(h.q) || !isCount(h.t)) return 'screen frame needs q (sequence) and t (time)';
  if (!isCount(h.w) || !isCount(h.h) || h.w < 1 || h.h < 1 || h.w > MAX_SCREEN_SIDE || h.h > MAX_SCREEN_SIDE) return 'screen frame needs a screen size';
  if (typeof h.k !== 'boolean') return 'screen frame needs k (keyframe)';
  if (!Array.isArray(h.tiles) || h.tiles.length > MAX_TILES) return 'screen frame needs a list of tiles';
  let total = 0;
  for (const tile of h.tiles as unknown[]) {
    if (!isObject(tile) || !isCount(tile.x) || !isCount(tile.y) || !isCount(tile.w) || !isCount(tile.h) || !isCount(tile.n)) return 'malformed tile';
    if (tile.w < 1 || tile.h < 1 || tile.x + tile.w > h.w || tile.y + tile.h > h.h) return 'tile outside the screen';
    if (tile.f !== 'jpeg' && tile.f !== 'png') return 'tile format must be jpeg or png';
    total += tile.n;
  }
  if (total !== payloadLength) return 'tile lengths do not add up to the payload';
  return h as unknown as ScreenFrameHeader;
}

/** Mouse and keyboard, in screen pixels. `key` values are DOM `KeyboardEvent.key` names ("a", "Enter", "ArrowLeft"). */
export type InputEvent =
  | { readonly t: 'move'; readonly x: number; readonly y: number }
  | { readonly t: 'down'; readonly b: 0 | 1 | 2 }
  | { readonly t: 'up'; readonly b: 0 | 1 | 2 }
  | { readonly t: 'wheel'; readonly dy: number }
  | { readonly t: 'key'; readonly key: string; readonly down: boolean }
  | { readonly t: 'text'; readonly s: string };

/** Console (viewer) → server, on `/session`. */
export type ViewerMessage =
  /** First message: an access token (technician) or a viewer token (someone not signed in, from a permalink). */
  | { readonly type: 'hello'; readonly protocol: number; readonly sessionId: string; readonly token: string }
  | { readonly type: 'input'; readonly events: readonly InputEvent[] }
  /** The viewer drew frame `seq`: the agent paces itself on these. */
  | { readonly type: 'ack'; readonly seq: number }
  | { readonly type: 'keyframe' }
  | { readonly type: 'prompt-open'; readonly promptId: string; readonly cols: number; readonly rows: number }
  | { readonly type: 'prompt-data'; readonly promptId: string; readonly data: string }
  | { readonly type: 'prompt-resize'; readonly promptId: string; readonly cols: number; readonly rows: number }
  | { readonly type: 'prompt-close'; readonly promptId: string }
  /** Of several end-users of one link, show this one's screen. */
  | { readonly type: 'choose-sharer'; readonly participantId: string }
  | { readonly type: 'end' };

/** Where the session's agent is, as the viewers see it. */
export type AgentLinkState = 'waiting' | 'connected' | 'lost';

export interface SessionViewerInfo {
  readonly userId: string;
  readonly displayName: string;
}

/** Server → console (viewer), JSON text; binary messages are the agent's frames, unchanged. */
export type ViewerServerMessage =
  | {
      readonly type: 'welcome';
      readonly protocol: number;
      readonly sessionId: string;
      readonly computerName: string | null;
      readonly source: string;
      readonly recording: boolean;
    }
  | { readonly type: 'state'; readonly agent: AgentLinkState; readonly viewers: readonly SessionViewerInfo[]; readonly sharer: string | null }
  | { readonly type: 'prompt-opened'; readonly promptId: string }
  | { readonly type: 'prompt-exit'; readonly promptId: string; readonly code: number | null }
  | { readonly type: 'ended'; readonly reason: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

/** Viewer-link close codes. */
export const SESSION_CLOSE = {
  PROTOCOL_ERROR: 4400,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  NOT_FOUND: 4404,
  /** The session ended (the `ended` message says why). */
  ENDED: 4410,
} as const;

/** Server → agent, session control on the agent link (protocol 2). */
export type SessionToAgentMessage =
  /** Start (or resume) streaming the screen for this session. */
  | { readonly type: 'session-start'; readonly sessionId: string; readonly maxFps: number; readonly quality: number }
  /** No viewer is left: stop capturing (the session may resume). */
  | { readonly type: 'session-stop'; readonly sessionId: string }
  /** The session ended: stop everything of it, close its prompts. */
  | { readonly type: 'session-end'; readonly sessionId: string; readonly reason: string }
  | { readonly type: 'input'; readonly sessionId: string; readonly events: readonly InputEvent[] }
  | { readonly type: 'ack'; readonly sessionId: string; readonly seq: number }
  | { readonly type: 'keyframe'; readonly sessionId: string }
  | { readonly type: 'prompt-open'; readonly sessionId: string; readonly promptId: string; readonly cols: number; readonly rows: number }
  | { readonly type: 'prompt-data'; readonly sessionId: string; readonly promptId: string; readonly data: string }
  | { readonly type: 'prompt-resize'; readonly sessionId: string; readonly promptId: string; readonly cols: number; readonly rows: number }
  | { readonly type: 'prompt-close'; readonly sessionId: string; readonly promptId: string };

/** Agent → server, session control (protocol 2). Screen and prompt bytes travel as binary frames. */
export type AgentSessionMessage =
  | { readonly type: 'prompt-exit'; readonly sessionId: string; readonly promptId: string; readonly code: number | null }
  /** The end-user stopped sharing (closed the support window). */
  | { readonly type: 'session-leave'; readonly sessionId: string };

type Parsed<T> = T | { readonly error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isSessionId = (v: unknown): v is string => typeof v === 'string' && SESSION_ID_PATTERN.test(v);
const isPromptId = (v: unknown): v is string => typeof v === 'string' && PROMPT_ID_PATTERN.test(v);
const isTermSize = (cols: unknown, rows: unknown): boolean => isCount(cols) && isCount(rows) && cols >= 2 && cols <= 1000 && rows >= 1 && rows <= 500;
const BUTTONS = [0, 1, 2];
const MAX_COORD = MAX_SCREEN_SIDE;

/** Runtime check of one input event. */
export function parseInputEvent(v: unknown): Parsed<InputEvent> {
  if (!isObject(v)) return { error: 'an input event must be an object' };
  switch (v.t) {
    case 'move':
      if (!isCount(v.x) || !isCount(v.y) || v.x > MAX_COORD || v.y > MAX_COORD) return { error: 'move needs x and y in screen pixels' };
      return { t: 'move', x: v.x, y: v.y };
    case 'down':
    case 'up':
      if (!BUTTONS.includes(v.b as number)) return { error: `${v.t}.b must be 0, 1 or 2` };
      return { t: v.t, b: v.b as 0 | 1 | 2 };
    case 'wheel':
      if (!Number.isSafeInteger(v.dy) || Math.abs(v.dy as number) > 100) return { error: 'wheel.dy must be an integer between -100 and 100' };
      return { t: 'wheel', dy: v.dy as number };
    case 'key':
      if (typeof v.key !== 'string' || v.key.length === 0 || v.key.length > 32 || typeof v.down !== 'boolean') return { error: 'key needs a key name and down' };
      return { t: 'key', key: v.key, down: v.down };
    case 'text':
      if (typeof v.s !== 'string' || v.s.length === 0 || v.s.length > 1024) return { error: 'text.s must have 1 to 1024 characters' };
      return { t: 'text', s: v.s };
    default:
      return { error: `unknown input event ${JSON.stringify(v.t)}` };
  }
}

function parseInputEvents(v: unknown): Parsed<InputEvent[]> {
  if (!Array.isArray(v) || v.length === 0 || v.length > SESSION_MAX_INPUT_EVENTS) {
    return { error: `events must be a list of 1 to ${SESSION_MAX_INPUT_EVENTS} input events` };
  }
  const events: InputEvent[] = [];
  for (const item of v) {
    const event = parseInputEvent(item);
    if ('error' in event) return event;
    events.push(event);
  }
  return events;
}

function parseJson(raw: string): Parsed<Record<string, unknown>> {
  if (raw.length > SESSION_MAX_MESSAGE_BYTES) return { error: 'message too large' };
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return { error: 'not JSON' };
  }
  return isObject(msg) ? msg : { error: 'not an object' };
}

/** Runtime check of a viewer's text message. */
export function parseViewerMessage(raw: string): Parsed<ViewerMessage> {
  const msg = parseJson(raw);
  if ('error' in msg) return msg as { error: string };
  switch (msg.type) {
    case 'hello':
      if (typeof msg.protocol !== 'number') return { error: 'hello.protocol must be a number' };
      if (!isSessionId(msg.sessionId)) return { error: 'hello.sessionId is malformed' };
      if (typeof msg.token !== 'string' || msg.token.length === 0 || msg.token.length > 4096) return { error: 'hello.token is missing' };
      return { type: 'hello', protocol: msg.protocol, sessionId: msg.sessionId, token: msg.token };
    case 'input': {
      const events = parseInputEvents(msg.events);
      return 'error' in events ? events : { type: 'input', events };
    }
    case 'ack':
      return isCount(msg.seq) ? { type: 'ack', seq: msg.seq } : { error: 'ack.seq must be a non-negative integer' };
    case 'keyframe':
      return { type: 'keyframe' };
    case 'prompt-open':
    case 'prompt-resize':
      if (!isPromptId(msg.promptId)) return { error: `${msg.type}.promptId is malformed` };
      if (!isTermSize(msg.cols, msg.rows)) return { error: `${msg.type} needs cols 2-1000 and rows 1-500` };
      return { type: msg.type, promptId: msg.promptId, cols: msg.cols as number, rows: msg.rows as number };
    case 'prompt-data':
      if (!isPromptId(msg.promptId)) return { error: 'prompt-data.promptId is malformed' };
      if (typeof msg.data !== 'string' || msg.data.length === 0 || msg.data.length > SESSION_MAX_PROMPT_DATA) {
        return { error: `prompt-data.data must have 1 to ${SESSION_MAX_PROMPT_DATA} characters` };
      }
      return { type: 'prompt-data', promptId: msg.promptId, data: msg.data };
    case 'prompt-close':
      return isPromptId(msg.promptId) ? { type: 'prompt-close', promptId: msg.promptId } : { error: 'prompt-close.promptId is malformed' };
    case 'choose-sharer':
      return typeof msg.participantId === 'string' && SESSION_ID_PATTERN.test(msg.participantId)
        ? { type: 'choose-sharer', participantId: msg.participantId }
        : { error: 'choose-sharer.participantId is malformed' };
    case 'end':
      return { type: 'end' };
    default:
      return { error: `unknown message type ${JSON.stringify(msg.type)}` };
  }
}

/** Runtime check of a session control message the server sent the agent (the agent trusts nothing unchecked). */
export function parseSessionToAgentMessage(msg: Record<string, unknown>): Parsed<SessionToAgentMessage> | null {
  const type = msg.type;
  const known = ['session-start', 'session-stop', 'session-end', 'input', 'ack', 'keyframe', 'prompt-open', 'prompt-data', 'prompt-resize', 'prompt-close'];
  if (typeof type !== 'string' || !known.includes(type)) return null;
  if (!isSessionId(msg.sessionId)) return { error: `${type}.sessionId is malformed` };
  const sessionId = msg.sessionId;
  switch (type) {
    case 'session-start':
      if (!isCount(msg.maxFps) || msg.maxFps < 1 || msg.maxFps > 60 || !isCount(msg.quality) || msg.quality < 1 || msg.quality > 100) {
        return { error: 'session-start needs maxFps 1-60 and quality 1-100' };
      }
      return { type, sessionId, maxFps: msg.maxFps, quality: msg.quality };
    case 'session-stop':
    case 'keyframe':
      return { type, sessionId };
    case 'session-end':
      return typeof msg.reason === 'string' ? { type, sessionId, reason: msg.reason } : { error: 'session-end.reason must be a string' };
    case 'input': {
      const events = parseInputEvents(msg.events);
      return 'error' in events ? events : { type, sessionId, events };
    }
    case 'ack':
      return isCount(msg.seq) ? { type, sessionId, seq: msg.seq } : { error: 'ack.seq must be a non-negative integer' };
    case 'prompt-open':
    case 'prompt-resize':
      if (!isPromptId(msg.promptId) || !isTermSize(msg.cols, msg.rows)) return { error: `malformed ${type}` };
      return { type, sessionId, promptId: msg.promptId, cols: msg.cols as number, rows: msg.rows as number };
    case 'prompt-data':
      if (!isPromptId(msg.promptId) || typeof msg.data !== 'string' || msg.data.length > SESSION_MAX_PROMPT_DATA) return { error: 'malformed prompt-data' };
      return { type, sessionId, promptId: msg.promptId, data: msg.data };
    case 'prompt-close':
      return isPromptId(msg.promptId) ? { type, sessionId, promptId: msg.promptId } : { error: 'malformed prompt-close' };
    default:
      return null;
  }
}

/** Runtime check of an agent's session control message; null when the type is not a session message. */
export function parseAgentSessionMessage(msg: Record<string, unknown>): Parsed<AgentSessionMessage> | null {
  switch (msg.type) {
    case 'prompt-exit':
      if (!isSessionId(msg.sessionId) || !isPromptId(msg.promptId)) return { error: 'malformed prompt-exit' };
      if (msg.code !== null && !Number.isSafeInteger(msg.code)) return { error: 'prompt-exit.code must be an integer or null' };
      return { type: 'prompt-exit', sessionId: msg.sessionId, promptId: msg.promptId, code: msg.code as number | null };
    case 'session-leave':
      return isSessionId(msg.sessionId) ? { type: 'session-leave', sessionId: msg.sessionId } : { error: 'malformed session-leave' };
    default:
      return null;
  }
}

/** POST /api/support/join: an end-user's agent arrives by support link token or 6-digit connection ID. */
export type SupportJoinRequest = ({ readonly link: string } | { readonly code: string }) & {
  readonly name: string;
  readonly facts: { readonly hostname: string; readonly platform: string } | null;
};

export interface SupportJoinResponse {
  readonly sessionId: string;
  readonly participantId: string;
  /** At least 128 bits; the agent says hello with it on the agent link, for this session only. */
  readonly participantKey: string;
  readonly wsUrl: string;
}

/** A 6-digit connection ID: digits only. */
export const CONNECTION_CODE_PATTERN = /^\d{6}$/;
