import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ApplicationError } from '../../application/errors';
import { ProjectionRegistry, UnknownProjectionError } from '../../application/projections/projection-registry';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import type { Clock } from '../../application/ports/clock.port';
import { START, distance } from '../../application/ports/position';
import type { Projection } from '../../read-models/projection';
import type { ReadStore } from '../../application/ports/read-store.port';
import { openEventStoreStack, type EventStoreStack } from '../nest/event-store-stack';
import { openReadStore } from '../nest/store-factory';
import { ServerLockedError, acquireServerLock, type ServerLock } from '../system/server-lock';
import { SystemClock } from '../system/system-clock.adapter';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, cliConfig, dataDirPaths, formatCount, formatDuration, type CliIo } from './cli-io';
import { ProgressBar } from './progress-bar';

export interface ReplayDeps {
  readonly projections: readonly Projection[];
  readonly clock?: Clock;
  readonly batchSize?: number;
}

/** `replay --list`: the projections this build knows, with their versions and event types. */
export function listProjections(io: CliIo, projections: readonly Projection[]): number {
  const registry = new ProjectionRegistry(projections);
  const rows = registry.all().map((p) => [p.name, `v${p.version}`, p.canHandle.join(', ')]);
  if (rows.length === 0) {
    io.stdout.write('No projections registered.\n');
    return EXIT_OK;
  }
  const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c].length), c === 0 ? 'PROJECTION'.length : 'VERSION'.length));
  const line = (cells: string[]) => `${cells[0].padEnd(widths[0])}  ${cells[1].padEnd(widths[1])}  ${cells[2]}`.trimEnd() + '\n';
  io.stdout.write(line(['PROJECTION', 'VERSION', 'EVENTS']));
  for (const row of rows) io.stdout.write(line(row));
  return EXIT_OK;
}

/**
 * `replay <projection>`: rebuilds one projection from the whole event log into a fresh collection,
 * switches it in, and writes the snapshot (embedded read store). The stores are the server's, from the
 * same configuration: SQLite or EventStoreDB (EVENTSTORE_URL) read through the crypto-shredding
 * decorator, so projections see personal data as the server does; memory or MongoDB (MONGO_URL).
 * The server must not hold the data directory meanwhile: the CLI takes its lock for the duration.
 */
export async function replayProjection(io: CliIo, name: string, dataDirOption: string | undefined, deps: ReplayDeps): Promise<number> {
  const registry = new ProjectionRegistry(deps.projections);
  try {
    registry.get(name);
  } catch (error) {
    if (!(error instanceof UnknownProjectionError)) throw error;
    io.stderr.write(`switchboard replay: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const config = cliConfig(io, 'replay', dataDirOption);
  if (!config) return EXIT_USAGE;
  const paths = dataDirPaths(io, dataDirOption);
  if (config.mongo) {
    io.stderr.write('switchboard replay: note: MONGO_URL is set: stop every server that uses this database first; the lock covers DATA_DIR only\n');
  }
  if (!config.eventStoreUrl && !existsSync(paths.eventsFile)) {
    io.stderr.write(`switchboard replay: no event store at ${paths.eventsFile} (set DATA_DIR or --data-dir)\n`);
    return EXIT_FAILED;
  }

  let lock: ServerLock;
  try {
    lock = await acquireServerLock(paths.dataDir);
  } catch (error) {
    if (!(error instanceof ServerLockedError)) throw error;
    io.stderr.write(`switchboard replay: refused: ${error.message}\n`);
    return EXIT_FAILED;
  }

  const bar = new ProgressBar(io.stderr, `replay ${name}`, 'events', formatDuration);
  let events: EventStoreStack | null = null;
  let reads: ReadStore | null = null;
  let runner: ProjectionRunner | null = null;
  try {
    events = await openEventStoreStack(config);
    reads = (await openReadStore(config, paths.snapshotFile)).store;
    runner = new ProjectionRunner({
      eventStore: events.store,
      readStore: reads,
      projections: deps.projections,
      clock: deps.clock ?? new SystemClock(),
      batchSize: deps.batchSize,
      log: (level, message, fields) => {
        if (level === 'warn' || level === 'error') io.stderr.write(`switchboard replay: ${level}: ${message} ${JSON.stringify(fields ?? {})}\n`);
      },
    });
    const head = await events.store.headPosition();
    const t0 = performance.now();
    bar.start(distance(START, head) ?? 0);
    const result = await runner.rebuild(name, { onProgress: (progress) => bar.update(progress) });
    bar.stop();
    const seconds = (performance.now() - t0) / 1000;
    await reads.flush();
    const rate = seconds > 0 ? result.events / seconds : result.events;
    io.stdout.write(
      `Rebuilt ${result.projection} v${result.version} into ${result.collection}: ${formatCount(result.events)} events in ` +
        `${seconds.toFixed(1)} s (${formatCount(rate)} events/s), checkpoint ${result.position}.\n` +
        (config.mongo ? '' : `Snapshot written to ${paths.snapshotFile}.\n`),
    );
    return EXIT_OK;
  } catch (error) {
    bar.stop();
    const message = error instanceof ApplicationError || error instanceof Error ? error.message : String(error);
    io.stderr.write(`switchboard replay: failed: ${message}\n`);
    return EXIT_FAILED;
  } finally {
    await runner?.stop().catch(() => undefined);
    await events?.close().catch(() => undefined);
    await reads?.close().catch(() => undefined);
    await lock.release();
  }
}
