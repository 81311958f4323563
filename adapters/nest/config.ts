import * as path from 'node:path';
import { parseMailSender } from '../mail/compose-mail';
import { envReader, type Env } from './env-parsing';
import { AGENT_LINK_VARIABLES, readAgentLinkConfig, type AgentLinkConfig } from '../ws/agent-link.config';
import { readSessionLinkConfig, SESSION_LINK_VARIABLES, type SessionLinkConfig } from './session-link.config';
import { IDENTITY_PROVIDER_VARIABLES, readIdentityProviders, type IdentityProviderConfig } from '../oidc/identity-provider.config';
import { findPackage } from '../system/package-info';

/** Levels pino understands, plus `silent` for tests. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const SQLITE_SYNCHRONOUS_MODES = ['FULL', 'NORMAL'] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS_MODES)[number];

/** The server's configuration, validated once at boot; nothing else reads `process.env`. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the data directory (events, snapshot, lock, operator token). */
  readonly dataDir: string;
  /**
   * Several server processes on one host as one cluster: the SQLite event store and key store live
   * here, shared by every process (each keeps its own DATA_DIR for its lock, snapshot and outbox).
   * Needs REDIS_URL for presence and routing. Unset: both live in DATA_DIR.
   */
  readonly sharedDataDir?: string;
  readonly eventStoreUrl?: string;
  readonly mongo?: { readonly url: string; readonly db: string };
  readonly redisUrl?: string;
  /** Prefix of the sign-in back-off keys in Redis (used with REDIS_URL). */
  readonly rateLimitRedisPrefix?: string;
  readonly sqliteSynchronous: SqliteSynchronous;
  readonly logLevel: LogLevel;
  readonly operatorToken?: string;
  readonly snapshotIntervalMs: number;
  /** Absolute path of the Angular production build. */
  readonly uiDist: string;
  /** Access-token signing key (at least 32 bytes); unset: DATA_DIR/auth-secret, generated once. */
  readonly authSecret?: string;
  /** SMTP relay (smtp:// or smtps://); unset: mail goes to DATA_DIR/outbox. */
  readonly smtpUrl?: string;
  /** Sender of every mail: `no-reply@example.com` or `Switchboard <no-reply@example.com>`; unset: DEFAULT_MAIL_FROM. */
  readonly mailFrom?: string;
  /** The console's address as users reach it, without a trailing slash; unset: the address the server listens on. */
  readonly publicUrl?: string;
  /**
   * Which reverse proxies may name the client address in X-Forwarded-For (Express `trust proxy`): a hop
   * count or addresses/subnets. Unset: none, the socket address is the client's (sign-in back-off is per address).
   */
  readonly trustProxy?: number | readonly string[];
  /** Social sign-in: Google, Facebook and generic OpenID Connect issuers, from their variables; unset: none. */
  readonly identityProviders?: readonly IdentityProviderConfig[];
  /** Agent link: heartbeats, sweeps, screenshots, node id, demo computer; unset: DEFAULT_AGENT_LINK. */
  readonly agentLink?: AgentLinkConfig;
  /** Remote sessions: agent-lost timeout, code and link lifetimes, recording chunks, relay prefix; unset: DEFAULT_SESSION_LINK. */
  readonly sessionLink?: SessionLinkConfig;
}

/** Sender used when MAIL_FROM is unset; only the outbox accepts it (an SMTP relay needs a real domain). */
export const DEFAULT_MAIL_FROM = 'Switchboard <no-reply@switchboard.localhost>';

/** AUTH_SECRET shorter than this weakens HS256 (RFC 7518 §3.2). */
export const MIN_AUTH_SECRET_BYTES = 32;

/** One environment variable: what the README's configuration table and `--help` print. */
export interface ConfigVariable {
  readonly name: string;
  readonly default: string;
  readonly meaning: string;
}

export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  { name: 'PORT', default: '3000', meaning: 'HTTP and WebSocket port (0 picks a free one).' },
  { name: 'HOST', default: '0.0.0.0', meaning: 'Interface to listen on.' },
  {
    name: 'DATA_DIR',
    default: './data',
    meaning: 'Directory of the embedded data: events.sqlite3, readstore.snapshot, server.lock, operator-token.',
  },
  {
    name: 'SHARED_DATA_DIR',
    default: '(unset: the event store and key store are in DATA_DIR)',
    meaning:
      'Several server processes on one host as one cluster: directory of the shared SQLite event store and key store. ' +
      'Each process keeps its own DATA_DIR; set REDIS_URL and the same AUTH_SECRET on every process.',
  },
  {
    name: 'EVENTSTORE_URL',
    default: '(unset: SQLite file DATA_DIR/events.sqlite3)',
    meaning: 'EventStoreDB connection string (esdb://…); when set, events go to EventStoreDB.',
  },
  {
    name: 'MONGO_URL',
    default: '(unset: memory read store, snapshot DATA_DIR/readstore.snapshot)',
    meaning: 'MongoDB connection string (mongodb://…); when set, read models live in MongoDB.',
  },
  { name: 'MONGO_DB', default: 'switchboard', meaning: 'MongoDB database of the read models (used with MONGO_URL).' },
  {
    name: 'REDIS_URL',
    default: '(unset: in-process)',
    meaning: 'Redis connection string (redis://…) for presence and routing across nodes; validated and reported for now.',
  },
  {
    name: 'RATE_LIMIT_REDIS_PREFIX',
    default: 'switchboard:ratelimit:',
    meaning: 'Prefix of the sign-in, registration and recovery back-off keys in Redis (used with REDIS_URL).',
  },
  {
    name: 'SQLITE_SYNCHRONOUS',
    default: 'FULL',
    meaning: 'FULL: an acknowledged append survives a power loss. NORMAL: faster, may lose the last appends on power loss.',
  },
  { name: 'LOG_LEVEL', default: 'info', meaning: `Log level: ${LOG_LEVELS.join(', ')}.` },
  {
    name: 'OPERATOR_TOKEN',
    default: '(unset: generated into DATA_DIR/operator-token)',
    meaning: 'Bearer token of the operator (at least 22 characters); until sign-in exists it is the only credential.',
  },
  {
    name: 'AUTH_SECRET',
    default: '(unset: generated into DATA_DIR/auth-secret)',
    meaning: `Key that signs access tokens (at least ${MIN_AUTH_SECRET_BYTES} bytes); every node of one deployment needs the same one.`,
  },
  {
    name: 'SMTP_URL',
    default: '(unset: mail written to DATA_DIR/outbox and logged)',
    meaning: 'SMTP relay: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465; requires MAIL_FROM.',
  },
  {
    name: 'MAIL_FROM',
    default: DEFAULT_MAIL_FROM,
    meaning: 'Sender of every mail: no-reply@example.com or "Switchboard <no-reply@example.com>".',
  },
  {
    name: 'PUBLIC_URL',
    default: '(unset: the address the server listens on)',
    meaning: 'The console address users reach (https://switchboard.example.com); links in mails point there.',
  },
  {
    name: 'TRUST_PROXY',
    default: '(unset: no proxy; the client address is the socket address)',
    meaning:
      'Behind a reverse proxy: the number of proxy hops (1), or their addresses/subnets (10.0.0.0/8,loopback). ' +
      'Sign-in back-off is per client address: without it, every user behind the proxy shares one.',
  },
  {
    name: 'SNAPSHOT_INTERVAL_MS',
    default: '30000',
    meaning: 'How often the memory read store writes its snapshot (it also writes one at shutdown).',
  },
  ...IDENTITY_PROVIDER_VARIABLES,
  ...AGENT_LINK_VARIABLES,
  ...SESSION_LINK_VARIABLES,
  {
    name: 'UI_DIST',
    default: 'ui-angular/dist/browser (in the repository)',
    meaning: 'Directory of the Angular production build served at /; a relative value is taken from the working directory.',
  },
];

/** The configuration could not be read; `message` names every bad variable, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(['Invalid configuration:', ...problems.map((p) => `  - ${p}`), 'Run with --help to see every variable.'].join('\n'));
    this.name = 'ConfigError';
  }
}

const MIN_TOKEN_LENGTH = 22;
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;
const MONGO_DB_PATTERN = /^[A-Za-z0-9_-]{1,63}$/;

/**
 * Reads and validates the configuration. Every problem is collected before failing, so a
 * wrong deployment is fixed in one round, not one variable at a time.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd(), repositoryRoot = findPackage()?.root ?? cwd): AppConfig {
  const problems: string[] = [];
  const { value, integer } = envReader(env, problems);

  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T, normalise: (s: string) => string): T => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const v = normalise(raw);
    if (!allowed.includes(v as T)) {
      problems.push(`${name}=${JSON.stringify(raw)}: must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return v as T;
  };

  const url = (name: string, schemes: readonly string[]): string | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    let scheme: string | undefined;
    try {
      scheme = new URL(raw).protocol.replace(/:$/, '');
    } catch {
      scheme = undefined;
    }
    if (!scheme || !schemes.includes(scheme)) {
      problems.push(`${name}: must be a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`);
      return undefined;
    }
    return raw;
  };

  const port = integer('PORT', 3000, 0, 65535);
  const host = value('HOST') ?? '0.0.0.0';
  const dataDir = path.resolve(cwd, value('DATA_DIR') ?? './data');
  const sharedDataDirValue = value('SHARED_DATA_DIR');
  const sharedDataDir = sharedDataDirValue === undefined ? undefined : path.resolve(cwd, sharedDataDirValue);
  if (sharedDataDir !== undefined && value('REDIS_URL') === undefined) {
    problems.push('SHARED_DATA_DIR: the processes of one cluster share presence and routing through Redis; set REDIS_URL too');
  }
  if (sharedDataDir !== undefined && value('EVENTSTORE_URL') !== undefined) {
    problems.push('SHARED_DATA_DIR: holds the embedded SQLite event store; with EVENTSTORE_URL every node already shares EventStoreDB, unset one of them');
  }
  const eventStoreUrl = url('EVENTSTORE_URL', ['esdb', 'esdb+discover']);
  const mongoUrl = url('MONGO_URL', ['mongodb', 'mongodb+srv']);
  const mongoDb = value('MONGO_DB') ?? 'switchboard';
  if (!MONGO_DB_PATTERN.test(mongoDb)) {
    problems.push(`MONGO_DB=${JSON.stringify(mongoDb)}: must be 1 to 63 letters, digits, _ or -`);
  } else if (value('MONGO_DB') !== undefined && value('MONGO_URL') === undefined) {
    problems.push('MONGO_DB: is set but MONGO_URL is not; set MONGO_URL too or unset MONGO_DB');
  }
  const redisUrl = url('REDIS_URL', ['redis', 'rediss']);
  const rateLimitRedisPrefix = value('RATE_LIMIT_REDIS_PREFIX');
  if (rateLimitRedisPrefix !== undefined && !/^[A-Za-z0-9_.:-]{1,64}$/.test(rateLimitRedisPrefix)) {
    problems.push(`RATE_LIMIT_REDIS_PREFIX=${JSON.stringify(rateLimitRedisPrefix)}: must be 1 to 64 letters, digits, _ . : or -`);
  }
  const sqliteSynchronous = oneOf('SQLITE_SYNCHRONOUS', SQLITE_SYNCHRONOUS_MODES, 'FULL', (s) => s.toUpperCase());
  const logLevel = oneOf('LOG_LEVEL', LOG_LEVELS, 'info', (s) => s.toLowerCase());
  const operatorToken = value('OPERATOR_TOKEN');
  if (operatorToken !== undefined && (operatorToken.length < MIN_TOKEN_LENGTH || !TOKEN_PATTERN.test(operatorToken))) {
    // The value itself is a secret: never echo it.
    problems.push(`OPERATOR_TOKEN: must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces (about 128 bits)`);
  }
  const snapshotIntervalMs = integer('SNAPSHOT_INTERVAL_MS', 30000, 1000, 24 * 3600 * 1000);
  const uiDistValue = value('UI_DIST');
  // The default follows the code, so the console is found whatever directory the server starts in.
  const uiDist = uiDistValue ? path.resolve(cwd, uiDistValue) : path.join(repositoryRoot, 'ui-angular', 'dist', 'browser');

  const authSecret = value('AUTH_SECRET');
  if (authSecret !== undefined && Buffer.byteLength(authSecret, 'utf8') < MIN_AUTH_SECRET_BYTES) {
    // A secret: never echo it.
    problems.push(`AUTH_SECRET: must be at least ${MIN_AUTH_SECRET_BYTES} bytes (generate one with: openssl rand -base64 48)`);
  }
  const smtpUrl = url('SMTP_URL', ['smtp', 'smtps']);
  const mailFrom = value('MAIL_FROM');
  if (mailFrom !== undefined) {
    try {
      parseMailSender(mailFrom);
    } catch {
      problems.push(`MAIL_FROM=${JSON.stringify(mailFrom)}: must be an address (no-reply@example.com) or "Name <no-reply@example.com>"`);
    }
  }
  if (value('SMTP_URL') !== undefined && mailFrom === undefined) {
    problems.push('MAIL_FROM: must be set with SMTP_URL (a relay refuses or files as spam a sender of no real domain)');
  }
  const publicUrl = url('PUBLIC_URL', ['http', 'https'])?.replace(/\/+$/, '');
  const trustProxy = parseTrustProxy(value('TRUST_PROXY'), problems);
  const identityProviders = readIdentityProviders(env, problems);
  const agentLink = readAgentLinkConfig(env, problems);
  const sessionLink = readSessionLinkConfig(env, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    dataDir,
    ...(sharedDataDir !== undefined ? { sharedDataDir } : {}),
    ...(eventStoreUrl ? { eventStoreUrl } : {}),
    ...(mongoUrl ? { mongo: { url: mongoUrl, db: mongoDb } } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    ...(rateLimitRedisPrefix !== undefined ? { rateLimitRedisPrefix } : {}),
    sqliteSynchronous,
    logLevel,
    ...(operatorToken ? { operatorToken } : {}),
    snapshotIntervalMs,
    uiDist,
    ...(authSecret ? { authSecret } : {}),
    ...(smtpUrl ? { smtpUrl } : {}),
    ...(mailFrom ? { mailFrom } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    ...(identityProviders.length > 0 ? { identityProviders } : {}),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
    agentLink,
    sessionLink,
  };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const PROXY_ADDRESS = /^[0-9A-Fa-f.:]+(\/[0-9]{1,3})?$/;

/** A hop count, or a comma list of addresses, subnets and Express's names; `true` (trust anyone) is refused. */
function parseTrustProxy(raw: string | undefined, problems: string[]): number | string[] | undefined {
  if (raw === undefined) return undefined;
  if (/^[0-9]+$/.test(raw)) {
    const hops = Number(raw);
    if (hops >= 1 && hops <= 10) return hops;
  } else {
    const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
    if (entries.length > 0 && entries.every((e) => PROXY_NAMES.has(e) || PROXY_ADDRESS.test(e))) return entries;
  }
  problems.push(
    `TRUST_PROXY=${JSON.stringify(raw)}: must be a hop count from 1 to 10 or a comma list of proxy addresses/subnets (loopback, linklocal, uniquelocal allowed); "true" would let any client choose its address`,
  );
  return undefined;
}

/** The text of `--help`: usage and the table of variables. */
export function configHelp(): string {
  const width = Math.max(...CONFIG_VARIABLES.map((v) => v.name.length));
  const rows = CONFIG_VARIABLES.map((v) => `  ${v.name.padEnd(width)}  ${v.meaning}\n  ${' '.repeat(width)}  default: ${v.default}`);
  return ['Usage: node dist/adapters/nest/main.js [--help]', '', 'Switchboard server. Configuration comes from the environment:', '', ...rows, ''].join(
    '\n',
  );
}

/** A one-line summary for the boot log; secrets and URL credentials are left out. */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  const redact = (u: string | undefined) => {
    if (!u) return undefined;
    try {
      const parsed = new URL(u);
      if (parsed.password) parsed.password = '***';
      return parsed.toString();
    } catch {
      return '(unparsable)';
    }
  };
  return {
    port: config.port,
    host: config.host,
    dataDir: config.dataDir,
    ...(config.sharedDataDir ? { sharedDataDir: config.sharedDataDir } : {}),
    eventStore: config.eventStoreUrl ? `eventstoredb ${redact(config.eventStoreUrl)}` : 'sqlite',
    readStore: config.mongo ? `mongodb ${redact(config.mongo.url)} db=${config.mongo.db}` : 'memory',
    redis: config.redisUrl ? redact(config.redisUrl) : 'in-process',
    sqliteSynchronous: config.sqliteSynchronous,
    logLevel: config.logLevel,
    operatorToken: config.operatorToken ? 'from OPERATOR_TOKEN' : 'from DATA_DIR/operator-token',
    snapshotIntervalMs: config.snapshotIntervalMs,
    uiDist: config.uiDist,
    authSecret: config.authSecret ? 'from AUTH_SECRET' : 'from DATA_DIR/auth-secret',
    mail: config.smtpUrl ? `smtp ${redact(config.smtpUrl)}` : 'outbox DATA_DIR/outbox',
    mailFrom: config.mailFrom ?? DEFAULT_MAIL_FROM,
    publicUrl: config.publicUrl ?? '(listening address)',
    trustProxy: config.trustProxy ?? 'none',
    identityProviders: (config.identityProviders ?? []).map((p) => p.id),
    agentLink: config.agentLink,
    sessionLink: config.sessionLink,
  };
}
