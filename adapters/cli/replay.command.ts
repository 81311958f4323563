import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ApplicationError } from '../../application/errors';
import { ProjectionRegistry, UnknownProjectionError } from '../../application/projections/projection-registry';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import type { Clock } from '../../application/ports/clock.port';
import { START, distance } from '../../application/ports/position';
import type { Projection } from '../../read-models/projection';
import { SqliteEventStore } from '../eventstore-sqlite/sqlite-event-store.adapter';
import { MemoryReadStore } from '../readstore-memory/memory-read-store.adapter';
import { ServerLockedError, acquireServerLock, type ServerLock } from '../system/server-lock';
import { SystemClock } from '../system/system-clock.adapter';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, dataDirPaths, formatCount, formatDuration, type CliIo } from './cli-io';
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
 * `replay <projection>`: rebuilds one projection from the whole event log into a fresh
 * collection of the embedded read store, switches it in, and writes the snapshot. The server
 * must not hold the data directory meanwhile: the CLI takes its lock for the duration.
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
  const paths = dataDirPaths(io, dataDirOption);
  if (io.env.EVENTSTORE_URL || io.env.MONGO_URL) {
    io.stderr.write('switchboard replay: note: EVENTSTORE_URL/MONGO_URL are ignored; replay works on the embedded stores in DATA_DIR\n');
  }
  if (!existsSync(paths.eventsFile)) {
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
  let events: SqliteEventStore | null = null;
  let reads: MemoryReadStore | null = null;
  let runner: ProjectionRunner | null = null;
  try {
    events = SqliteEventStore.open({ file: paths.eventsFile });
    reads = await MemoryReadStore.open({ snapshotFile: paths.snapshotFile });
    runner = new ProjectionRunner({
      eventStore: events,
      readStore: reads,
      projections: deps.projections,
      clock: deps.clock ?? new SystemClock(),
      batchSize: deps.batchSize,
      log: (level, message, fields) => {
        if (level === 'warn' || level === 'error') io.stderr.write(`switchboard replay: ${level}: ${message} ${JSON.stringify(fields ?? {})}\n`);
      },
    });
    const head = await events.headPosition();
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
        `Snapshot written to ${paths.snapshotFile}.\n`,
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
