import * as path from 'node:path';
import { SqliteEventStore } from '../../adapters/eventstore-sqlite/sqlite-event-store.adapter';
import { MemoryReadStore } from '../../adapters/readstore-memory/memory-read-store.adapter';
import { SystemClock } from '../../adapters/system/system-clock.adapter';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import { ACCOUNT_LIST, accountListProjection } from '../../read-models/account-list/account-list.projection';
import { type BenchOptions, type Benchmark, type OutputSpec, now, percentile, result, withTempDir } from './bench-harness';
import { type CommandBusContext, accountId, createCommandBusContext, registerAccount } from './command-bus-context';

const SPEC: OutputSpec = {
  name: 'projection-lag',
  unit: 'ms',
  goal: { on: 'value', op: '<=', target: 50, unit: 'ms' },
  measures:
    'value: p99 ms from a command acknowledged (CommandBus -> SqliteEventStore, synchronous=FULL) to its position applied by the ' +
    'running ProjectionRunner into the MemoryReadStore (waitFor resolves), at a steady command rate; baseline: the p50',
};

function sizes(options: BenchOptions) {
  return { commandsPerSecond: 1000, seconds: options.quick ? 2 : 10, warmupCommands: 200 };
}

const WAIT_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Sample {
  readonly ackMs: number;
  readonly lagMs: number;
}

/** One command: issue, acknowledgement, then the moment the read model has it. */
async function oneCommand(context: CommandBusContext, runner: ProjectionRunner, id: string): Promise<Sample> {
  const issued = now();
  const { position } = await registerAccount(context.bus, id);
  const acked = now();
  await runner.waitFor(ACCOUNT_LIST, position, WAIT_TIMEOUT_MS);
  return { ackMs: acked - issued, lagMs: now() - acked };
}

/**
 * Open loop: command i is due at i / rate seconds and is sent when due, whether or not earlier
 * ones are acknowledged (a closed loop would slow down with the system and hide the lag).
 */
async function drive(context: CommandBusContext, runner: ProjectionRunner, rate: number, seconds: number, prefix: string) {
  const total = rate * seconds;
  const pending: Promise<Sample>[] = [];
  const t0 = now();
  while (pending.length < total) {
    const due = Math.min(total, Math.floor(((now() - t0) * rate) / 1000) + 1);
    while (pending.length < due) pending.push(oneCommand(context, runner, accountId(prefix, pending.length)));
    await sleep(1);
  }
  const samples = await Promise.all(pending);
  return { samples, elapsedMs: now() - t0 };
}

async function run(options: BenchOptions) {
  const s = sizes(options);
  return withTempDir('projection-lag', async (dir, defer) => {
    const store = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite3'), synchronous: 'FULL' });
    defer(() => store.close());
    const readStore = new MemoryReadStore();
    defer(() => readStore.close());
    const context = await createCommandBusContext(store);
    defer(() => context.close());
    const runner = new ProjectionRunner({ eventStore: store, readStore, projections: [accountListProjection], clock: new SystemClock() });
    await runner.start();
    defer(() => runner.stop());
    await drive(context, runner, s.commandsPerSecond, s.warmupCommands / s.commandsPerSecond, 'warm');
    const { samples, elapsedMs } = await drive(context, runner, s.commandsPerSecond, s.seconds, 'lag');
    const last = accountId('lag', samples.length - 1);
    const doc = await readStore.forTenant(last).collection(runner.activeCollection(ACCOUNT_LIST)).get(last);
    if (!doc) throw new Error(`the read model does not show ${last} after waitFor resolved`);
    const lag = samples.map((x) => x.lagMs);
    const ack = samples.map((x) => x.ackMs);
    const p99 = percentile(lag, 99);
    const p50 = percentile(lag, 50);
    const fixed = (x: number) => Math.round(x * 100) / 100;
    options.log(`  ${samples.length} commands in ${(elapsedMs / 1000).toFixed(2)} s; lag p50 ${fixed(p50)} ms, p99 ${fixed(p99)} ms`);
    return [
      result(SPEC, {
        value: p99,
        baseline: p50,
        details: {
          ...s,
          commands: samples.length,
          achievedCommandsPerSecond: Math.round((samples.length * 1000) / elapsedMs),
          lagP90Ms: fixed(percentile(lag, 90)),
          lagMaxMs: fixed(Math.max(...lag)),
          ackP50Ms: fixed(percentile(ack, 50)),
          ackP99Ms: fixed(percentile(ack, 99)),
          sentToVisibleP99Ms: fixed(percentile(samples.map((x) => x.ackMs + x.lagMs), 99)),
        },
      }),
    ];
  });
}

export const projectionLag: Benchmark = { name: 'projection-lag', outputs: () => [SPEC], sizes, run };
