import { existsSync } from 'node:fs';
import { START, distance } from '../../application/ports/position';
import { verifyEventStore } from '../eventstore-shared/hash-chain';
import { SqliteEventStore } from '../eventstore-sqlite/sqlite-event-store.adapter';
import { EXIT_FAILED, EXIT_OK, dataDirPaths, formatCount, formatDuration, type CliIo } from './cli-io';
import { ProgressBar } from './progress-bar';

/**
 * `audit:verify`: walks every stream's hash chain in the embedded event store. Read-only, so it
 * may run while the server is up (SQLite WAL lets readers in beside the writer).
 */
export async function auditVerify(io: CliIo, dataDirOption: string | undefined): Promise<number> {
  const paths = dataDirPaths(io, dataDirOption);
  if (!existsSync(paths.eventsFile)) {
    io.stderr.write(`switchboard audit:verify: no event store at ${paths.eventsFile} (set DATA_DIR or --data-dir)\n`);
    return EXIT_FAILED;
  }
  let store: SqliteEventStore;
  try {
    store = SqliteEventStore.open({ file: paths.eventsFile });
  } catch (error) {
    io.stderr.write(`switchboard audit:verify: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
  const bar = new ProgressBar(io.stderr, 'audit:verify', 'events', formatDuration);
  try {
    const total = distance(START, await store.headPosition()) ?? 0;
    const startedMs = Date.now();
    bar.start(total);
    const result = await verifyEventStore(store, (progress) => {
      const seconds = (Date.now() - startedMs) / 1000;
      const rate = seconds > 0 ? progress.events / seconds : 0;
      bar.update({ done: progress.events, total, eventsPerSecond: rate, etaSeconds: rate > 0 ? (total - progress.events) / rate : undefined });
    });
    bar.stop();
    if (result.ok) {
      io.stdout.write(`OK: ${formatCount(result.streams)} streams, ${formatCount(result.events)} events verified\n`);
      return EXIT_OK;
    }
    const link = result.firstBroken;
    io.stdout.write(
      `BROKEN: stream ${link.stream}, revision ${link.revision}, position ${link.position}: ${link.reason}\n` +
        `  expected hash: ${link.expectedHash || '-'}\n` +
        `  found:         ${link.actualHash || '-'}\n` +
        `  ${formatCount(result.events)} events in ${formatCount(result.streams)} streams were checked before it.\n`,
    );
    return EXIT_FAILED;
  } catch (error) {
    bar.stop();
    io.stderr.write(`switchboard audit:verify: failed: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  } finally {
    await store.close();
  }
}
