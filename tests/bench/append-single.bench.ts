import * as path from 'node:path';
import { SqliteEventStore, sqliteHandleOf } from '../../adapters/eventstore-sqlite/sqlite-event-store.adapter';
import { type BenchOptions, type Benchmark, type OutputSpec, median, now, result, withTempDir } from './bench-harness';
import { accountId, createCommandBusContext, registerAccount } from './command-bus-context';
import { type EventRowCopy, durabilityPragmas, insertOneByOne, meanSizes, openRawTwin, rowsAfter } from './raw-sqlite-baseline';

const SPEC: OutputSpec = {
  name: 'append-single',
  unit: 'commands/s',
  goal: { on: 'ratio', op: '>=', target: 0.5 },
  measures:
    'value: RegisterAccount commands/s, one sequential writer, CommandBus -> decide -> SqliteEventStore (WAL, synchronous=FULL); ' +
    'baseline: raw better-sqlite3 INSERTs/s of the same rows, same schema and pragmas, one transaction per insert',
};

function sizes(options: BenchOptions) {
  return { commandsPerRound: options.quick ? 300 : 1000, rounds: options.quick ? 3 : 9, warmup: options.quick ? 100 : 500 };
}

/**
 * Rounds alternate (commands, then raw inserts of the very rows those commands wrote), so that
 * both sides see the same disk and the same neighbours; the median round of each side counts.
 */
async function run(options: BenchOptions) {
  const { commandsPerRound, rounds, warmup } = sizes(options);
  return withTempDir('append-single', async (dir, defer) => {
    const store = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite3'), synchronous: 'FULL' });
    defer(() => store.close());
    const context = await createCommandBusContext(store);
    defer(() => context.close());
    const adapterDb = sqliteHandleOf(store);
    const raw = openRawTwin(path.join(dir, 'raw.sqlite3'), adapterDb);
    defer(() => raw.close());
    for (let i = 0; i < warmup; i++) await registerAccount(context.bus, accountId('warm', i));
    const warm = rowsAfter(adapterDb, 0);
    insertOneByOne(raw, warm.rows);
    let last = warm.last;
    const commandRates: number[] = [];
    const rawRates: number[] = [];
    let sample: EventRowCopy[] = [];
    for (let round = 0; round < rounds; round++) {
      const t0 = now();
      for (let i = 0; i < commandsPerRound; i++) await registerAccount(context.bus, accountId(`r${round}`, i));
      const commandMs = now() - t0;
      const written = rowsAfter(adapterDb, last);
      if (written.rows.length !== commandsPerRound) {
        throw new Error(`expected ${commandsPerRound} events from round ${round}, found ${written.rows.length}`);
      }
      last = written.last;
      sample = written.rows;
      const rawMs = insertOneByOne(raw, written.rows);
      commandRates.push((commandsPerRound * 1000) / commandMs);
      rawRates.push((written.rows.length * 1000) / rawMs);
      options.log(`  round ${round + 1}/${rounds}: commands ${Math.round(commandRates[round])}/s, raw inserts ${Math.round(rawRates[round])}/s`);
    }
    const pragmas = durabilityPragmas(adapterDb);
    const rowSize = meanSizes(sample);
    return [
      result(SPEC, {
        value: median(commandRates),
        baseline: median(rawRates),
        details: {
          ...sizes(options),
          journalMode: pragmas.journalMode,
          synchronous: pragmas.synchronous === 2 ? 'FULL' : String(pragmas.synchronous),
          dataBytes: rowSize.dataBytes,
          metadataBytes: rowSize.metadataBytes,
          commandRounds: commandRates.map(Math.round).join(','),
          rawRounds: rawRates.map(Math.round).join(','),
          // Each round's pair ran back to back; their median ratio resists a neighbour who was busy for half the run.
          medianRoundRatio: Math.round(median(commandRates.map((x, i) => x / rawRates[i])) * 1000) / 1000,
        },
      }),
    ];
  });
}

export const appendSingle: Benchmark = { name: 'append-single', outputs: () => [SPEC], sizes, run };
