import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import type { Clock, IdGenerator } from '../../application/ports/clock.port';
import type { EventStore } from '../../application/ports/event-store.port';
import type { ReadStore } from '../../application/ports/read-store.port';
import type { Projection } from '../../read-models/projection';
import { ALL_PROJECTIONS } from '../../read-models';
import { InstrumentedEventStore } from '../system/instrumented-event-store';
import { AppMetrics } from '../system/metrics';
import { loadOperatorToken, type OperatorTokenSource } from '../system/operator-token';
import { acquireServerLock, type ServerLock } from '../system/server-lock';
import { RandomIdGenerator, SystemClock } from '../system/system-clock.adapter';
import type { AppConfig } from './config';
import { openEventStore, openReadStore, type EventStoreAdapter, type ReadStoreAdapter } from './store-factory';

export const EVENTS_FILE = 'events.sqlite3';
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
  /** The event store as the app uses it: instrumented for metrics. */
  readonly eventStore: EventStore;
  readonly eventStoreAdapter: EventStoreAdapter;
  readonly readStore: ReadStore;
  readonly readStoreAdapter: ReadStoreAdapter;
  readonly runner: ProjectionRunner;
  readonly metrics: AppMetrics;
  readonly clock: Clock;
  readonly ids: IdGenerator;
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
    const rawEvents = await openEventStore(config, path.join(config.dataDir, EVENTS_FILE));
    undo.push(() => rawEvents.store.close());
    const read = await openReadStore(config, path.join(config.dataDir, SNAPSHOT_FILE));
    undo.push(() => read.store.close());
    // After the stores: a boot refused for a bad data file leaves no new file behind.
    const operatorToken = await loadOperatorToken(config.dataDir, config.operatorToken);

    const metrics = new AppMetrics({ processMetrics: overrides.processMetrics ?? false });
    const eventStore = new InstrumentedEventStore(rawEvents.store, metrics);
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
        await step('closing the event store', () => rawEvents.store.close());
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
      eventStoreAdapter: rawEvents.adapter,
      readStore: read.store,
      readStoreAdapter: read.adapter,
      runner,
      metrics,
      clock,
      ids,
      startedAtMs: Date.now(),
      close,
    };
  } catch (error) {
    await rollback();
    throw error;
  }
}
