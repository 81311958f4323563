import {
  parseAgentSessionMessage,
  parseSessionToAgentMessage,
  type AgentSessionMessage,
  type SessionToAgentMessage,
} from './session.protocol';

/**
 * Agent link protocol, version 2: the WebSocket `/agent` between an agent on a managed computer and
 * the server, plus the HTTP enrollment that gives the agent its key. Shared by `agent/` and the
 * server gateway; `parseAgentMessage` is the runtime schema both sides trust.
 *
 * Text frames carry JSON control messages `{ type, ... }`. Binary frames carry a session's screen
 * tiles and prompt output (format in session.protocol.ts); version 1 (no sessions) is still accepted,
 * and a version 1 agent's binary frame is a protocol error.
 */
export const AGENT_PROTOCOL_VERSION = 2;
/** Versions this server accepts in `hello`. */
export const AGENT_SUPPORTED_PROTOCOLS: readonly number[] = [1, 2];
export const AGENT_WS_PATH = '/agent';
/** Largest control message; a screenshot is sent over HTTP, not through this link. */
export const AGENT_MAX_MESSAGE_BYTES = 64 * 1024;

/** WebSocket close codes the gateway uses; the agent reacts to each differently. */
export const AGENT_CLOSE = {
  /** Malformed, oversized or unknown message: reconnect with back-off. */
  PROTOCOL_ERROR: 4400,
  /** Key unknown or revoked (the computer was removed): stop and enroll again. */
  UNAUTHORIZED: 4401,
  /** The account's plan disables this computer: stay offline, retry rarely. */
  DISABLED: 4403,
  /** The agent speaks a protocol version the server does not: update the agent. */
  UNSUPPORTED_VERSION: 4426,
} as const;

export type AgentPlatform = 'linux' | 'darwin' | 'win32';

export interface AgentFacts {
  readonly os: { readonly platform: AgentPlatform; readonly release: string; readonly arch: string };
  readonly hostname: string;
  readonly agentVersion: string;
  /** The user logged in at the console, when there is one. */
  readonly loggedInUser: string | null;
  /** Installed as a service; an agent run once without installing shows as "Not installed". */
  readonly installed: boolean;
}

/** Agent → server. */
export type AgentMessage =
  | { readonly type: 'hello'; readonly protocol: number; readonly agentKey: string; readonly facts: AgentFacts }
  /** An end-user's agent that joined a support session by link or connection ID (protocol 2): it speaks for that session only. */
  | { readonly type: 'hello'; readonly protocol: number; readonly participantKey: string; readonly facts: AgentFacts }
  | AgentSessionMessage
  | { readonly type: 'heartbeat'; readonly seq: number }
  /** The agent's own settings renamed the computer. */
  | { readonly type: 'set-name'; readonly name: string }
  /** Facts changed (user logged in or out, OS upgraded). */
  | { readonly type: 'facts'; readonly facts: AgentFacts };

/** Server → agent. */
export type ServerToAgentMessage =
  | {
      readonly type: 'welcome';
      readonly protocol: number;
      readonly computerId: string;
      readonly name: string;
      readonly heartbeatIntervalMs: number;
      readonly screenshotIntervalMs: number;
      /** Where to POST screenshots (image/jpeg or image/png body, agent key as bearer). */
      readonly screenshotUrl: string;
    }
  /** The console renamed the computer. */
  | { readonly type: 'rename'; readonly name: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | SessionToAgentMessage;

/** POST /api/agent/enroll: four ways to tie a computer to an account. */
export type EnrollRequest = (
  | { readonly method: 'password'; readonly username: string; readonly password: string }
  /** A token baked into a download from the console's Add button (auto-connect). */
  | { readonly method: 'enrollment-token'; readonly token: string }
  /** A technician's add-computer link, valid 48 hours. */
  | { readonly method: 'add-computer-link'; readonly token: string }
) & { readonly facts: AgentFacts; readonly name?: string };

export interface EnrollResponse {
  readonly computerId: string;
  /** At least 128 bits; the server keeps only its hash. The agent stores it in a file only its user can read. */
  readonly agentKey: string;
  readonly name: string;
  readonly wsUrl: string;
}

export const COMPUTER_NAME_MAX = 64;

const PLATFORMS: readonly AgentPlatform[] = ['linux', 'darwin', 'win32'];

type Parsed<T> = T | { readonly error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shortString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** Runtime check of the agent's facts. */
export function parseAgentFacts(v: unknown): Parsed<AgentFacts> {
  if (!isObject(v) || !isObject(v.os)) return { error: 'facts.os must be an object' };
  const { platform, release, arch } = v.os;
  if (!PLATFORMS.includes(platform as AgentPlatform)) return { error: `facts.os.platform must be one of ${PLATFORMS.join(', ')}` };
  if (!shortString(release, 128) || !shortString(arch, 32)) return { error: 'facts.os.release/arch must be short strings' };
  if (!shortString(v.hostname, 255) || v.hostname.length === 0) return { error: 'facts.hostname must be a non-empty string' };
  if (!shortString(v.agentVersion, 32)) return { error: 'facts.agentVersion must be a short string' };
  if (v.loggedInUser !== null && !shortString(v.loggedInUser, 256)) return { error: 'facts.loggedInUser must be a string or null' };
  if (typeof v.installed !== 'boolean') return { error: 'facts.installed must be a boolean' };
  return {
    os: { platform: platform as AgentPlatform, release: release as string, arch: arch as string },
    hostname: v.hostname,
    agentVersion: v.agentVersion,
    loggedInUser: v.loggedInUser as string | null,
    installed: v.installed,
  };
}

/** Runtime check of one text frame from an agent. */
export function parseAgentMessage(raw: string): Parsed<AgentMessage> {
  if (raw.length > AGENT_MAX_MESSAGE_BYTES) return { error: 'message too large' };
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return { error: 'not JSON' };
  }
  if (!isObject(msg)) return { error: 'not an object' };
  switch (msg.type) {
    case 'hello': {
      if (typeof msg.protocol !== 'number') return { error: 'hello.protocol must be a number' };
      const facts = parseAgentFacts(msg.facts);
      if (msg.participantKey !== undefined) {
        if (!shortString(msg.participantKey, 256) || msg.participantKey.length < 22) return { error: 'hello.participantKey is malformed' };
        if ('error' in facts) return facts;
        return { type: 'hello', protocol: msg.protocol, participantKey: msg.participantKey, facts };
      }
      if (!shortString(msg.agentKey, 256) || msg.agentKey.length < 22) return { error: 'hello.agentKey is missing or malformed' };
      if ('error' in facts) return facts;
      return { type: 'hello', protocol: msg.protocol, agentKey: msg.agentKey, facts };
    }
    case 'heartbeat':
      if (!Number.isSafeInteger(msg.seq) || (msg.seq as number) < 0) return { error: 'heartbeat.seq must be a non-negative integer' };
      return { type: 'heartbeat', seq: msg.seq as number };
    case 'set-name':
      if (!shortString(msg.name, COMPUTER_NAME_MAX) || msg.name.trim().length === 0) {
        return { error: `set-name.name must have 1 to ${COMPUTER_NAME_MAX} characters` };
      }
      return { type: 'set-name', name: msg.name };
    case 'facts': {
      const facts = parseAgentFacts(msg.facts);
      if ('error' in facts) return facts;
      return { type: 'facts', facts };
    }
    default:
      return parseAgentSessionMessage(msg) ?? { error: `unknown message type ${JSON.stringify(msg.type)}` };
  }
}

/** Runtime check of a server message, for the agent. */
export function parseServerToAgentMessage(raw: string): Parsed<ServerToAgentMessage> {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return { error: 'not JSON' };
  }
  if (!isObject(msg)) return { error: 'not an object' };
  switch (msg.type) {
    case 'welcome':
      if (
        typeof msg.protocol !== 'number' ||
        typeof msg.computerId !== 'string' ||
        typeof msg.name !== 'string' ||
        typeof msg.heartbeatIntervalMs !== 'number' ||
        typeof msg.screenshotIntervalMs !== 'number' ||
        typeof msg.screenshotUrl !== 'string'
      ) {
        return { error: 'malformed welcome' };
      }
      return msg as unknown as ServerToAgentMessage;
    case 'rename':
      return typeof msg.name === 'string' ? { type: 'rename', name: msg.name } : { error: 'malformed rename' };
    case 'error':
      return typeof msg.code === 'string' && typeof msg.message === 'string'
        ? { type: 'error', code: msg.code, message: msg.message }
        : { error: 'malformed error' };
    default:
      return parseSessionToAgentMessage(msg) ?? { error: `unknown message type ${JSON.stringify(msg.type)}` };
  }
}
