import * as path from 'node:path';
import { SqliteEventStore } from '../../adapters/eventstore-sqlite/sqlite-event-store.adapter';
import { type BenchOptions, type Benchmark, type OutputSpec, median, now, result, withTempDir } from './bench-harness';
import { type CommandBusContext, accountId, createCommandBusContext, registerAccount } from './command-bus-context';

export const WRITERS = 32;

const SPEC: OutputSpec = {
  name: 'append-concurrent',
  unit: 'commands/s',
  goal: { on: 'ratio', op: '>=', target: 5 },
  measures:
    `value: RegisterAccount commands/s with ${WRITERS} concurrent writers (each on its own streams) through the CommandBus into one ` +
    'SqliteEventStore (WAL, synchronous=FULL, group commit); baseline: the same with one sequential writer, same store, same run',
};

function sizes(options: BenchOptions) {
  return {
    writers: WRITERS,
    commandsPerWriterPerRound: options.quick ? 20 : 64,
    singleWriterCommandsPerRound: options.quick ? 200 : 600,
    rounds: options.quick ? 3 : 9,
    warmup: options.quick ? 100 : 500,
  };
}

/** One writer: sequential commands, each registering a new account of its own. */
async function writer(context: CommandBusContext, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await registerAccount(context.bus, accountId(prefix, i));
}

/** Alternating rounds of one writer and of WRITERS writers on the same store; the median round of each counts. */
async function run(options: BenchOptions) {
  const s = sizes(options);
  return withTempDir('append-concurrent', async (dir, defer) => {
    const store = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite3'), synchronous: 'FULL' });
    defer(() => store.close());
    const context = await createCommandBusContext(store);
    defer(() => context.close());
    await writer(context, 'warm', s.warmup);
    const singleRates: number[] = [];
    const concurrentRates: number[] = [];
    const groupSizes: number[] = [];
    for (let round = 0; round < s.rounds; round++) {
      let t0 = now();
      await writer(context, `s${round}`, s.singleWriterCommandsPerRound);
      singleRates.push((s.singleWriterCommandsPerRound * 1000) / (now() - t0));

      const before = store.stats();
      t0 = now();
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(context, `c${round}w${w}`, s.commandsPerWriterPerRound)));
      const total = WRITERS * s.commandsPerWriterPerRound;
      concurrentRates.push((total * 1000) / (now() - t0));
      const after = store.stats();
      const appends = after.appends - before.appends;
      if (appends !== total) throw new Error(`expected ${total} appends in round ${round}, the store counted ${appends}`);
      groupSizes.push(appends / Math.max(1, after.transactions - before.transactions));
      options.log(
        `  round ${round + 1}/${s.rounds}: 1 writer ${Math.round(singleRates[round])}/s, ${WRITERS} writers ${Math.round(concurrentRates[round])}/s ` +
          `(${groupSizes[round].toFixed(1)} appends per transaction)`,
      );
    }
    return [
      result(SPEC, {
        value: median(concurrentRates),
        baseline: median(singleRates),
        details: {
          ...s,
          meanAppendsPerTransaction: Math.round(median(groupSizes) * 10) / 10,
          largestGroup: store.stats().largestGroup,
          singleRounds: singleRates.map(Math.round).join(','),
          concurrentRounds: concurrentRates.map(Math.round).join(','),
          // Each round's pair ran back to back; their median ratio resists a neighbour who was busy for half the run.
          medianRoundRatio: Math.round(median(concurrentRates.map((x, i) => x / singleRates[i])) * 1000) / 1000,
        },
      }),
    ];
  });
}

export const appendConcurrent: Benchmark = { name: 'append-concurrent', outputs: () => [SPEC], sizes, run };
