import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import type { AccessTokens } from '../../application/ports/access-tokens.port';
import type { Clock, IdGenerator } from '../../application/ports/clock.port';
import type { EventStore } from '../../application/ports/event-store.port';
import type { KeyStore } from '../../application/ports/key-store.port';
import type { Mailer } from '../../application/ports/mailer.port';
import type { PasswordHasher } from '../../application/ports/password-hasher.port';
import type { RateLimiter } from '../../application/ports/rate-limiter.port';
import type { SecretGenerator } from '../../application/ports/secret-generator.port';
import type { SessionRelay } from '../../application/ports/session-relay.port';
import type { ReadStore } from '../../application/ports/read-store.port';
import type { Projection } from '../../read-models/projection';
import { ALL_PROJECTIONS } from '../../read-models';
import type { AuthSecretSource } from '../auth-tokens/auth-secret';
import { openHmacAccessTokens } from '../auth-tokens/hmac-access-tokens.adapter';
import { OutboxMailer } from '../mail/outbox-mailer.adapter';
import { SmtpMailer } from '../mail/smtp-mailer.adapter';
import { Argon2PasswordHasher } from '../password-argon2/argon2-password-hasher.adapter';
import { MemoryRateLimiter } from '../ratelimit/memory-rate-limiter.adapter';
import { RedisRateLimiter } from '../ratelimit/redis-rate-limiter.adapter';
import { NodeSecretGenerator } from '../secrets/node-secret-generator.adapter';
import { InstrumentedEventStore } from '../system/instrumented-event-store';
import { AppMetrics } from '../system/metrics';
import { loadOperatorToken, type OperatorTokenSource } from '../system/operator-token';
import { acquireServerLock, type ServerLock } from '../system/server-lock';
import { MemorySessionRelay } from '../session-relay/memory-session-relay.adapter';
import { RandomIdGenerator, SystemClock } from '../system/system-clock.adapter';
import { openAgentLinkInfrastructure, type AgentLinkInfrastructure, type AgentLinkOverrides } from '../ws/agent-link.infrastructure';
import { DEFAULT_MAIL_FROM, type AppConfig } from './config';
import { DEFAULT_SESSION_RELAY_PREFIX } from './session-link.config';
import { openEventStoreStack } from './event-store-stack';
import { openReadStore, type EventStoreAdapter, type ReadStoreAdapter } from './store-factory';

export { EVENTS_FILE, KEYS_FILE } from './event-store-stack';
export const SNAPSHOT_FILE = 'readstore.snapshot';

/** What tests and tools may replace when booting the app. */
export interface InfrastructureOverrides {
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly projections?: readonly Projection[];
  /** Node process metrics in /metrics; on in the real server, off by default in tests. */
  readonly processMetrics?: boolean;
  /** Where the JSON log lines go; stdout by default. */
  readonly logDestination?: DestinationStream;
  /** Replaces the configured mailer (SMTP or outbox). */
  readonly mailer?: Mailer;
  /** Replaces the configured login rate limiter (Redis or memory); the app closes it at shutdown. */
  readonly rateLimiter?: RateLimiter;
  /** Replaces argon2id with the default parameters. */
  readonly passwordHasher?: PasswordHasher;
  /** Replaces the agent link's presence store, blob store or geolocation. */
  readonly agentLink?: AgentLinkOverrides;
  /**
   * Replaces the session relay (Redis or memory); not closed by the app. A second in-process node
   * shares the first one's: `sessionRelay: (first.infra.sessionRelay as MemorySessionRelay).sibling()`.
   */
  readonly sessionRelay?: SessionRelay;
}

/** Request headers that carry credentials: never written to a log. */
export const REDACTED_LOG_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'];

export function createLogger(level: AppConfig['logLevel'], destination?: DestinationStream): PinoLogger {
  const options = { level, base: { service: 'switchboard' }, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Everything the app runs on, opened before Nest starts so that a bad data file or a held
 * lock fails the boot with one clear error and nothing half-started.
 */
export interface AppInfrastructure {
  readonly config: AppConfig;
  readonly logger: PinoLogger;
  readonly lock: ServerLock;
  readonly operatorToken: OperatorTokenSource;
  /** The event store as the app uses it: personal fields sealed with their subject's key, instrumented for metrics. */
  readonly eventStore: EventStore;
  /** Per-subject keys; deleting one erases that subject's personal data everywhere. */
  readonly keyStore: KeyStore;
  readonly eventStoreAdapter: EventStoreAdapter;
  readonly readStore: ReadStore;
  readonly readStoreAdapter: ReadStoreAdapter;
  readonly runner: ProjectionRunner;
  readonly metrics: AppMetrics;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Signs and checks access tokens; key from AUTH_SECRET or DATA_DIR/auth-secret. */
  readonly accessTokens: AccessTokens;
  readonly authSecretOrigin: AuthSecretSource['origin'];
  readonly passwordHasher: PasswordHasher;
  /** The one source of generated passwords, 256-bit tokens and their SHA-256 digests (refresh tokens, recovery links). */
  readonly secrets: SecretGenerator;
  /** Login back-off: Redis when REDIS_URL is set (shared by every node), else in-process. */
  readonly rateLimiter: RateLimiter;
  /** SMTP when SMTP_URL is set, else the outbox. */
  readonly mailer: Mailer;
  /** The outbox, when it is the mailer (tests and the operator read mails there). */
  readonly outbox?: OutboxMailer;
  /** Presence (memory or Redis), blobs (files or GridFS), geolocation and the node id of the agent link. */
  readonly agentLink: AgentLinkInfrastructure;
  /** Routes session frames, input and prompt bytes between nodes: Redis when REDIS_URL is set, else in-process. */
  readonly sessionRelay: SessionRelay;
  readonly startedAtMs: number;
  /** Stops the runner, writes the last snapshot, closes the stores and releases the lock; idempotent. */
  close(): Promise<void>;
}

export async function openInfrastructure(config: AppConfig, overrides: InfrastructureOverrides = {}): Promise<AppInfrastructure> {
  const logger = createLogger(config.logLevel, overrides.logDestination);
  const clock = overrides.clock ?? new SystemClock();
  const ids = overrides.ids ?? new RandomIdGenerator();
  await fs.mkdir(config.dataDir, { recursive: true });
  const lock = await acquireServerLock(config.dataDir);
  const undo: (() => Promise<void>)[] = [() => lock.release()];
  const rollback = async () => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
  };
  try {
    // The read store first: opening it creates no file, so a bad snapshot leaves no new key store behind.
    const read = await openReadStore(config, path.join(config.dataDir, SNAPSHOT_FILE));
    undo.push(() => read.store.close());
    const events = await openEventStoreStack(config);
    undo.push(() => events.close());
    // After the stores: a boot refused for a bad data file leaves no new file behind.
    const operatorToken = await loadOperatorToken(config.dataDir, config.operatorToken);
    const { tokens: accessTokens, origin: authSecretOrigin } = await openHmacAccessTokens(config.dataDir, clock, config.authSecret);
    const rateLimiter =
      overrides.rateLimiter ?? (config.redisUrl ? RedisRateLimiter.connect(config.redisUrl, clock, config.rateLimitRedisPrefix ? { prefix: config.rateLimitRedisPrefix } : {}) : new MemoryRateLimiter(clock));
    undo.push(() => rateLimiter.close());
    const mailLog = logger.child({ component: 'mail' });
    const mailFrom = config.mailFrom ?? DEFAULT_MAIL_FROM;
    const outbox =
      overrides.mailer || config.smtpUrl
        ? undefined
        : new OutboxMailer({ dataDir: config.dataDir, from: mailFrom, clock, log: (message, fields) => mailLog.info(fields, message) });
    const smtp = overrides.mailer || !config.smtpUrl ? undefined : new SmtpMailer({ url: config.smtpUrl, from: mailFrom, clock });
    const mailer = overrides.mailer ?? outbox ?? (smtp as SmtpMailer);

    const agentLink = await openAgentLinkInfrastructure(config, overrides.agentLink);
    undo.push(() => agentLink.close());
    const relay = await openSessionRelay(config, agentLink.nodeId, overrides.sessionRelay);
    undo.push(() => relay.close());
    const metrics = new AppMetrics({ processMetrics: overrides.processMetrics ?? false });
    const eventStore = new InstrumentedEventStore(events.store, metrics);
    const runnerLog = logger.child({ component: 'projections' });
    const runner = new ProjectionRunner({
      eventStore,
      readStore: read.store,
      projections: overrides.projections ?? ALL_PROJECTIONS,
      clock,
      log: (level, message, fields) => runnerLog[level](fields ?? {}, message),
    });
    metrics.observeProjections(() => runner.health());

    let closing: Promise<void> | null = null;
    const close = () => {
      closing ??= (async () => {
        const errors: unknown[] = [];
        const step = async (what: string, fn: () => Promise<void>) => {
          try {
            await fn();
          } catch (error) {
            errors.push(error);
            logger.error({ err: error }, `shutdown: ${what} failed`);
          }
        };
        await step('stopping projections', () => runner.stop());
        await step('writing the read-store snapshot', () => read.store.flush());
        await step('closing the read store', () => read.store.close());
        await step('closing the event store and the key store', () => events.close());
        await step('closing the rate limiter', () => rateLimiter.close());
        await step('closing the presence and blob stores', () => agentLink.close());
        await step('closing the session relay', () => relay.close());
        await step('closing the mail transport', async () => smtp?.close());
        await step('releasing the lock', () => lock.release());
        if (errors.length > 0) throw errors[0];
      })();
      return closing;
    };

    return {
      config,
      logger,
      lock,
      operatorToken,
      eventStore,
      keyStore: events.keyStore,
      eventStoreAdapter: events.adapter,
      readStore: read.store,
      readStoreAdapter: read.adapter,
      runner,
      metrics,
      clock,
      ids,
      accessTokens,
      authSecretOrigin,
      passwordHasher: overrides.passwordHasher ?? new Argon2PasswordHasher(),
      secrets: new NodeSecretGenerator(),
      rateLimiter,
      mailer,
      ...(outbox ? { outbox } : {}),
      agentLink,
      sessionRelay: relay.relay,
      startedAtMs: Date.now(),
      close,
    };
  } catch (error) {
    await rollback();
    throw error;
  }
}

/** The session relay the configuration names (Redis channels under the session prefix when REDIS_URL is set); an override stays its owner's to close. */
async function openSessionRelay(
  config: AppConfig,
  nodeId: string,
  override: SessionRelay | undefined,
): Promise<{ relay: SessionRelay; close(): Promise<void> }> {
  if (override) return { relay: override, close: async () => undefined };
  if (!config.redisUrl) {
    const relay = new MemorySessionRelay();
    return { relay, close: () => relay.close() };
  }
  const { RedisSessionRelay } = await import('../session-relay/redis-session-relay.adapter');
  const relay = await RedisSessionRelay.connect(config.redisUrl, { prefix: config.sessionLink?.relayPrefix ?? DEFAULT_SESSION_RELAY_PREFIX, nodeId });
  return { relay, close: () => relay.close() };
}
