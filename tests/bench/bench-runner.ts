import { agentsPerNode } from './agents-per-node.bench';
import { appendConcurrent } from './append-concurrent.bench';
import { appendSingle } from './append-single.bench';
import { computerList } from './computer-list.bench';
import { fanOut } from './fan-out.bench';
import { frameRelay } from './frame-relay.bench';
import {
  type BenchOptions,
  type BenchResult,
  type Benchmark,
  formatTable,
  machineLine,
  notRun,
  parseArgs,
  summaryLine,
  writeResults,
} from './bench-harness';
import { heartbeatEvents } from './heartbeat-events.bench';
import { inputRelay } from './input-relay.bench';
import { projectionLag } from './projection-lag.bench';
import { relayLatency } from './relay-latency.bench';
import { replay } from './replay.bench';

/** Every benchmark, in the order a full run takes them (cheapest first). */
export const BENCHMARKS: readonly Benchmark[] = [
  appendSingle,
  appendConcurrent,
  projectionLag,
  computerList,
  heartbeatEvents,
  replay,
  agentsPerNode,
  frameRelay,
  relayLatency,
  fanOut,
  inputRelay,
];

export interface RunBenchOptions {
  readonly cwd?: string;
  readonly log?: (line: string) => void;
  /** Benchmarks to choose from; the jest spec passes fakes to test the runner itself. */
  readonly benchmarks?: readonly Benchmark[];
}

/**
 * Parses the arguments, runs the chosen benchmarks one after another (never two at once: they
 * would measure each other), writes the JSON and prints the table. A benchmark that throws gets
 * a "not run" line with the error and the others still run.
 */
export async function runBench(argv: readonly string[], options: RunBenchOptions = {}): Promise<BenchResult[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const benchmarks = options.benchmarks ?? BENCHMARKS;
  const args = parseArgs(
    argv,
    benchmarks.map((b) => b.name),
    options.cwd,
  );
  const chosen = args.only ? benchmarks.filter((b) => args.only?.includes(b.name)) : benchmarks;
  const benchOptions: BenchOptions = { quick: args.quick, log };
  log(machineLine());
  log(`mode: ${args.quick ? 'quick (smoke-test sizes)' : 'full'}; benchmarks: ${chosen.map((b) => b.name).join(', ')}`);
  const results: BenchResult[] = [];
  for (const benchmark of chosen) {
    const sizes = benchmark.sizes(benchOptions);
    log('');
    log(`${benchmark.name}: sizes ${Object.entries(sizes).map(([k, v]) => `${k}=${v.toLocaleString('en-US')}`).join(', ')}`);
    let lines: BenchResult[];
    const started = Date.now();
    try {
      lines = await benchmark.run(benchOptions);
    } catch (error) {
      const why = `failed: ${error instanceof Error ? error.message : String(error)}`;
      lines = benchmark.outputs(benchOptions).map((spec) => notRun(spec, why, { ...sizes }));
    }
    for (const line of lines) log(summaryLine(line));
    log(`${benchmark.name}: took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    results.push(...lines);
  }
  writeResults(args.out, results);
  log('');
  log(formatTable(results));
  log(`results written to ${args.out}`);
  return results;
}
