import { envReader, type Env } from './env-parsing';
import { DEFAULT_AGENT_LOST_MS } from '../../application/session/session-access.port';

/** How remote sessions behave; from the SESSION_*, CONNECTION_CODE_*, SUPPORT_LINK_* and RECORDING_* variables. */
export interface SessionLinkConfig {
  /** A session whose agent is gone longer than this ends (reason agent-lost). */
  readonly agentLostMs: number;
  /** How long a 6-digit connection ID may be typed in. */
  readonly connectionCodeTtlMs: number;
  /** How long a support link waits for its end-user. */
  readonly supportLinkTtlMs: number;
  /** A recording is stored in chunks of this many milliseconds (or 1 MB, whichever comes first). */
  readonly recordingChunkMs: number;
  /** Prefix of the session relay's pub/sub channels in Redis; unset: DEFAULT_SESSION_RELAY_PREFIX. */
  readonly relayPrefix?: string;
}

export const DEFAULT_SESSION_RELAY_PREFIX = 'switchboard:session:';

export const DEFAULT_SESSION_LINK: SessionLinkConfig = {
  agentLostMs: DEFAULT_AGENT_LOST_MS,
  connectionCodeTtlMs: 10 * 60_000,
  supportLinkTtlMs: 24 * 3_600_000,
  recordingChunkMs: 10_000,
};

/** The variables of remote sessions, for the configuration table and `--help`. */
export const SESSION_LINK_VARIABLES = [
  { name: 'SESSION_AGENT_LOST_MS', default: '60000', meaning: 'A session whose agent is gone longer than this ends, with the reason “agent lost”.' },
  { name: 'CONNECTION_CODE_TTL_MS', default: '600000', meaning: 'How long a 6-digit connection ID can be typed into the agent.' },
  { name: 'SUPPORT_LINK_TTL_MS', default: '86400000', meaning: 'How long a support link waits for its end-user before its session expires.' },
  { name: 'RECORDING_CHUNK_MS', default: '10000', meaning: 'Recorded sessions are stored in chunks of this length (or 1 MB, whichever comes first).' },
  {
    name: 'SESSION_RELAY_REDIS_PREFIX',
    default: DEFAULT_SESSION_RELAY_PREFIX,
    meaning: 'Prefix of the session relay’s pub/sub channels in Redis (frames, input and prompt bytes between nodes).',
  },
] as const;

const PREFIX_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Reads the session variables; every problem goes to `problems`, as the rest of the configuration does. */
export function readSessionLinkConfig(env: Env, problems: string[]): SessionLinkConfig {
  const { value, integer } = envReader(env, problems);
  const relayPrefix = value('SESSION_RELAY_REDIS_PREFIX');
  if (relayPrefix !== undefined && !PREFIX_PATTERN.test(relayPrefix)) {
    problems.push(`SESSION_RELAY_REDIS_PREFIX=${JSON.stringify(relayPrefix)}: must be 1 to 64 letters, digits, _ . : or -`);
  }
  return {
    agentLostMs: integer('SESSION_AGENT_LOST_MS', DEFAULT_SESSION_LINK.agentLostMs, 100, 24 * 3_600_000),
    connectionCodeTtlMs: integer('CONNECTION_CODE_TTL_MS', DEFAULT_SESSION_LINK.connectionCodeTtlMs, 10_000, 24 * 3_600_000),
    supportLinkTtlMs: integer('SUPPORT_LINK_TTL_MS', DEFAULT_SESSION_LINK.supportLinkTtlMs, 60_000, 30 * 24 * 3_600_000),
    recordingChunkMs: integer('RECORDING_CHUNK_MS', DEFAULT_SESSION_LINK.recordingChunkMs, 100, 600_000),
    ...(relayPrefix !== undefined && PREFIX_PATTERN.test(relayPrefix) ? { relayPrefix } : {}),
  };
}
