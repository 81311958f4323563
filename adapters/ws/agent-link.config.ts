import { envReader, type Env } from '../nest/env-parsing';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '../../application/ports/presence.port';

/** How the agent link behaves; from the AGENT_* variables, NODE_ID and DEMO_COMPUTER. */
export interface AgentLinkConfig {
  /** What agents are told to use between heartbeats; three missed ones make a computer offline. */
  readonly heartbeatIntervalMs: number;
  /** How often the sweeper looks for computers that missed their heartbeats. */
  readonly sweepIntervalMs: number;
  /** What agents are told to use between screenshots. */
  readonly screenshotIntervalMs: number;
  /** A socket that has not said hello by then is closed. */
  readonly helloTimeoutMs: number;
  /** After a socket closes, how long the agent has to come back before the computer goes offline. */
  readonly offlineGraceMs: number;
  /** This server node's name in presence and routing; unset: generated at boot. */
  readonly nodeId?: string;
  /** Whether the built-in demo computer runs. */
  readonly demoComputer: boolean;
  /** Prefix of the presence keys and channel in Redis; unset: DEFAULT_PRESENCE_PREFIX. */
  readonly presencePrefix?: string;
}

export const DEFAULT_AGENT_LINK: AgentLinkConfig = {
  heartbeatIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
  sweepIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
  screenshotIntervalMs: 60_000,
  helloTimeoutMs: 10_000,
  offlineGraceMs: 15_000,
  demoComputer: false,
};

/** The variables of the agent link, for the configuration table and `--help`. */
export const AGENT_LINK_VARIABLES = [
  {
    name: 'AGENT_HEARTBEAT_INTERVAL_MS',
    default: '30000',
    meaning: 'Heartbeat interval agents are told to use; a computer that misses three in a row goes offline.',
  },
  { name: 'AGENT_SWEEP_INTERVAL_MS', default: '(the heartbeat interval)', meaning: 'How often each node looks for computers that missed their heartbeats.' },
  { name: 'AGENT_SCREENSHOT_INTERVAL_MS', default: '60000', meaning: 'Screenshot interval agents are told to use.' },
  { name: 'AGENT_HELLO_TIMEOUT_MS', default: '10000', meaning: 'An agent socket that has not said hello within this time is closed.' },
  {
    name: 'AGENT_OFFLINE_GRACE_MS',
    default: '15000',
    meaning: 'After an agent socket closes, how long it has to reconnect before its computer is marked offline.',
  },
  { name: 'NODE_ID', default: '(unset: <hostname>-<pid>-<random>)', meaning: 'This node’s name in presence and agent routing across nodes (REDIS_URL).' },
  {
    name: 'PRESENCE_REDIS_PREFIX',
    default: 'switchboard:presence:',
    meaning: 'Prefix of the presence keys and pub/sub channel in Redis: deployments (or test runs) sharing one Redis use different ones.',
  },
  {
    name: 'DEMO_COMPUTER',
    default: 'on (off when NODE_ENV=test)',
    meaning: 'on: a built-in agent with a synthetic screen runs in the server, visible to every account. off: none.',
  },
] as const;

const NODE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Reads the agent-link variables; every problem goes to `problems`, as the rest of the configuration does. */
export function readAgentLinkConfig(env: Env, problems: string[]): AgentLinkConfig {
  const { value, integer } = envReader(env, problems);
  const heartbeatIntervalMs = integer('AGENT_HEARTBEAT_INTERVAL_MS', DEFAULT_AGENT_LINK.heartbeatIntervalMs, 100, 600_000);
  const sweepIntervalMs = integer('AGENT_SWEEP_INTERVAL_MS', heartbeatIntervalMs, 50, 600_000);
  const screenshotIntervalMs = integer('AGENT_SCREENSHOT_INTERVAL_MS', DEFAULT_AGENT_LINK.screenshotIntervalMs, 1_000, 24 * 3_600_000);
  const helloTimeoutMs = integer('AGENT_HELLO_TIMEOUT_MS', DEFAULT_AGENT_LINK.helloTimeoutMs, 100, 120_000);
  const offlineGraceMs = integer('AGENT_OFFLINE_GRACE_MS', DEFAULT_AGENT_LINK.offlineGraceMs, 0, 600_000);
  const nodeId = value('NODE_ID');
  if (nodeId !== undefined && !NODE_ID_PATTERN.test(nodeId)) {
    problems.push(`NODE_ID=${JSON.stringify(nodeId)}: must be 1 to 64 letters, digits, _ . : or -`);
  }
  const presencePrefix = value('PRESENCE_REDIS_PREFIX');
  if (presencePrefix !== undefined && !/^[A-Za-z0-9_.:-]{1,64}$/.test(presencePrefix)) {
    problems.push(`PRESENCE_REDIS_PREFIX=${JSON.stringify(presencePrefix)}: must be 1 to 64 letters, digits, _ . : or -`);
  }
  const demo = value('DEMO_COMPUTER')?.toLowerCase();
  if (demo !== undefined && demo !== 'on' && demo !== 'off') problems.push(`DEMO_COMPUTER=${JSON.stringify(demo)}: must be on or off`);
  // Tests boot many servers: the demo computer runs there only when a test asks for it.
  const demoComputer = demo === undefined ? env.NODE_ENV !== 'test' : demo === 'on';
  return {
    heartbeatIntervalMs,
    sweepIntervalMs,
    screenshotIntervalMs,
    helloTimeoutMs,
    offlineGraceMs,
    ...(nodeId !== undefined && NODE_ID_PATTERN.test(nodeId) ? { nodeId } : {}),
    demoComputer,
    ...(presencePrefix !== undefined && /^[A-Za-z0-9_.:-]{1,64}$/.test(presencePrefix) ? { presencePrefix } : {}),
  };
}
