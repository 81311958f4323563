import { mkdtempSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A target a benchmark is judged against: on its ratio or on its own value. */
export interface Goal {
  readonly on: 'ratio' | 'value';
  readonly op: '>=' | '<=';
  readonly target: number;
  /** Unit printed after the target (`s`, `ms`); ratios have none. */
  readonly unit?: string;
}

/**
 * One line of `bench-results/latest.json`. `ratio` is value / baseline unless `details.ratio`
 * says otherwise; `met` is null when the benchmark did not run.
 */
export interface BenchResult {
  readonly name: string;
  readonly value: number | null;
  readonly unit: string;
  readonly baseline: number | null;
  readonly ratio: number | null;
  /** Readable, e.g. "ratio >= 0.5" or "value <= 50 ms". */
  readonly goal: string;
  readonly met: boolean | null;
  /** What `value` and `baseline` are, in words. */
  readonly measures: string;
  /** Sizes used and extra figures (rounds, p50, seconds...). */
  readonly details: Readonly<Record<string, string | number>>;
  /** Set when the benchmark could not run, with the reason. */
  readonly notRun?: string;
}

export interface BenchOptions {
  readonly quick: boolean;
  /** Progress lines go here; the jest spec passes a no-op. */
  readonly log: (line: string) => void;
}

/** What one output line of a benchmark is, known before it runs (so a failure still has a line). */
export interface OutputSpec {
  readonly name: string;
  readonly unit: string;
  readonly goal: Goal;
  /** What `value` and `baseline` are, in words. */
  readonly measures: string;
}

export interface Benchmark {
  readonly name: string;
  /** The result lines it produces (replay has two: its rate and its seconds). */
  outputs(options: BenchOptions): readonly OutputSpec[];
  /** The sizes it will use, printed before it runs and kept in the results. */
  sizes(options: BenchOptions): Readonly<Record<string, number>>;
  run(options: BenchOptions): Promise<BenchResult[]>;
}

export function goalText(goal: Goal): string {
  return `${goal.on} ${goal.op} ${goal.target}${goal.unit ? ` ${goal.unit}` : ''}`;
}

export function goalMet(goal: Goal, value: number | null, ratio: number | null): boolean | null {
  const x = goal.on === 'ratio' ? ratio : value;
  if (x === null || !Number.isFinite(x)) return null;
  return goal.op === '>=' ? x >= goal.target : x <= goal.target;
}

/** Builds a result line with its ratio (value / baseline) and goal verdict. */
export function result(
  spec: OutputSpec,
  figures: { value: number; baseline: number; details?: Record<string, string | number> },
): BenchResult {
  const ratio = figures.baseline === 0 ? null : figures.value / figures.baseline;
  return {
    name: spec.name,
    value: round(figures.value),
    unit: spec.unit,
    baseline: round(figures.baseline),
    ratio: ratio === null ? null : round(ratio, 3),
    goal: goalText(spec.goal),
    met: goalMet(spec.goal, figures.value, ratio),
    measures: spec.measures,
    details: figures.details ?? {},
  };
}

/** A line that has no figure: its dependency is missing or it failed, and `why` says so. */
export function notRun(spec: OutputSpec, why: string, details: Record<string, string | number> = {}): BenchResult {
  return {
    name: spec.name,
    value: null,
    unit: spec.unit,
    baseline: null,
    ratio: null,
    goal: goalText(spec.goal),
    met: null,
    measures: spec.measures,
    details,
    notRun: why,
  };
}

/** One line of progress after a benchmark: its figures and ratio, or why it did not run. */
export function summaryLine(r: BenchResult): string {
  if (r.notRun) return `${r.name}: not run: ${r.notRun}`;
  const verdict = r.met === null ? 'no verdict' : r.met ? 'met' : 'NOT met';
  return `${r.name}: ${fmt(r.value)} ${r.unit} vs baseline ${fmt(r.baseline)} -> ratio ${fmt(r.ratio)} (goal ${r.goal}: ${verdict})`;
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Writes the results as JSON through a temp file and a rename, so a reader never sees half a file. */
export function writeResults(file: string, results: readonly BenchResult[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(tmp, file);
}

function fmt(x: number | null): string {
  if (x === null) return '-';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return String(x);
}

/** A plain-text table of the results, one line each, with the goal verdict. */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['benchmark', 'value', 'baseline', 'unit', 'ratio', 'goal', 'met'];
  const rows = results.map((r) => [
    r.name,
    r.notRun ? 'not run' : fmt(r.value),
    fmt(r.baseline),
    r.unit,
    fmt(r.ratio),
    r.goal,
    r.met === null ? '-' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i >= 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  for (const r of results) {
    if (r.notRun) out.push(`${r.name}: not run: ${r.notRun}`);
  }
  return out.map((l) => l.trimEnd()).join('\n');
}

export interface BenchArgs {
  readonly quick: boolean;
  readonly only: readonly string[] | null;
  readonly out: string;
}

/** `--quick`, `--only a,b` (or `--only=a,b`), `--out file`. Unknown flags are refused so typos do not run everything. */
export function parseArgs(argv: readonly string[], known: readonly string[], cwd = process.cwd()): BenchArgs {
  let quick = false;
  let only: string[] | null = null;
  let out = path.join(cwd, 'bench-results', 'latest.json');
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--only':
        only = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        for (const name of only) {
          if (!known.includes(name)) throw new Error(`Unknown benchmark ${JSON.stringify(name)}; known: ${known.join(', ')}`);
        }
        break;
      case '--out':
        out = path.resolve(cwd, value());
        break;
      default:
        throw new Error(`Unknown argument ${JSON.stringify(argv[i])}; use --quick, --only <names>, --out <file>`);
    }
  }
  return { quick, only, out };
}

/** Registers a closer; closers run in reverse order when the benchmark settles. */
export type Defer = (close: () => unknown) => void;

/**
 * A fresh directory under os.tmpdir() and a `defer` for what is opened in it. When `fn` settles,
 * the closers run (last opened, first closed), then the directory is removed. A closer's error
 * is thrown only when `fn` itself succeeded, so it never hides the first failure.
 */
export async function withTempDir<T>(prefix: string, fn: (dir: string, defer: Defer) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `switchboard-bench-${prefix}-`));
  const closers: (() => unknown)[] = [];
  const closeAll = async (): Promise<unknown> => {
    let first: unknown;
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        first ??= error;
      }
    }
    rmSync(dir, { recursive: true, force: true });
    return first;
  };
  let value: T;
  try {
    value = await fn(dir, (close) => closers.push(close));
  } catch (error) {
    await closeAll();
    throw error;
  }
  const closeError = await closeAll();
  if (closeError !== undefined) throw closeError;
  return value;
}

/** Milliseconds, monotonic. */
export const now = (): number => performance.now();

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** What the machine is, printed above the table (the figures mean little without it). */
export function machineLine(): string {
  const cpus = os.cpus();
  return `machine: ${cpus.length} cpu(s), ${cpus[0]?.model ?? 'unknown'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, tmpdir ${os.tmpdir()}`;
}

/** Lets timers and I/O callbacks run between two measured phases. */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
