import { existsSync } from 'node:fs';
import { START, distance } from '../../application/ports/position';
import { verifyEventStore } from '../eventstore-shared/hash-chain';
import type { EventStore } from '../../application/ports/event-store.port';
import { openEventStore } from '../nest/store-factory';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, cliConfig, dataDirPaths, formatCount, formatDuration, type CliIo } from './cli-io';
import { ProgressBar } from './progress-bar';

/**
 * `audit:verify`: walks every stream's hash chain in the configured event store (SQLite in DATA_DIR, or
 * EventStoreDB with EVENTSTORE_URL). Read-only, so it may run while the server is up (SQLite WAL lets
 * readers in beside the writer).
 *
 * It reads the RAW adapter on purpose, never the crypto-shredding stack the server and `replay` use
 * (openEventStoreStack): the chain covers events as stored, personal fields as ciphertext, so that it
 * verifies without any key and still verifies after a subject's key was deleted.
 */
export async function auditVerify(io: CliIo, dataDirOption: string | undefined): Promise<number> {
  const config = cliConfig(io, 'audit:verify', dataDirOption);
  if (!config) return EXIT_USAGE;
  const paths = dataDirPaths(io, dataDirOption);
  if (!config.eventStoreUrl && !existsSync(paths.eventsFile)) {
    io.stderr.write(`switchboard audit:verify: no event store at ${paths.eventsFile} (set DATA_DIR or --data-dir)\n`);
    return EXIT_FAILED;
  }
  let store: EventStore;
  try {
    store = (await openEventStore(config, paths.eventsFile)).store;
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
