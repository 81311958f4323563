import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { verifyEventStore } from '../../adapters/eventstore-shared/hash-chain';
import { SqliteEventStore } from '../../adapters/eventstore-sqlite/sqlite-event-store.adapter';
import { type BenchResult, type Benchmark, formatTable, parseArgs, result, writeResults } from './bench-harness';
import { runBench } from './bench-runner';
import { generate } from './replay.bench';

const KEYS = ['name', 'value', 'unit', 'baseline', 'ratio', 'goal', 'met', 'measures', 'details'];

function readJson(file: string): BenchResult[] {
  return JSON.parse(readFileSync(file, 'utf8')) as BenchResult[];
}

describe('benchmark harness', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes results as a JSON array and prints them as a table with their verdicts', () => {
    const spec = { name: 'x', unit: 'ops/s', goal: { on: 'ratio', op: '>=', target: 0.5 }, measures: 'x vs y' } as const;
    const lines = [result(spec, { value: 300, baseline: 1000 }), result({ ...spec, name: 'y' }, { value: 600, baseline: 1000 })];
    const file = path.join(dir, 'out', 'latest.json');
    writeResults(file, lines);
    const written = readJson(file);
    expect(written.map((r) => [r.name, r.ratio, r.goal, r.met])).toEqual([
      ['x', 0.3, 'ratio >= 0.5', false],
      ['y', 0.6, 'ratio >= 0.5', true],
    ]);
    const table = formatTable(written).split('\n');
    expect(table[0]).toMatch(/^benchmark\s+value\s+baseline\s+unit\s+ratio\s+goal\s+met$/);
    expect(table[2]).toMatch(/^x\s+300\s+1,000\s+ops\/s\s+0\.3\s+ratio >= 0\.5\s+NO$/);
    expect(table[3]).toMatch(/yes$/);
  });

  it('parses --quick, --only and --out, and refuses unknown names and flags', () => {
    expect(parseArgs(['--quick', '--only', 'a,b', '--out=r.json'], ['a', 'b', 'c'], '/w')).toEqual({
      quick: true,
      only: ['a', 'b'],
      out: '/w/r.json',
    });
    expect(parseArgs([], ['a'], '/w')).toEqual({ quick: false, only: null, out: '/w/bench-results/latest.json' });
    expect(() => parseArgs(['--only', 'nope'], ['a'])).toThrow(/Unknown benchmark "nope"/);
    expect(() => parseArgs(['--fast'], ['a'])).toThrow(/Unknown argument/);
  });

  it('turns a benchmark that throws into a "not run" line and still writes the others', async () => {
    const broken: Benchmark = {
      name: 'broken',
      outputs: () => [{ name: 'broken', unit: 'ms', goal: { on: 'value', op: '<=', target: 1, unit: 'ms' }, measures: 'nothing' }],
      sizes: () => ({ n: 1 }),
      run: () => Promise.reject(new Error('no store here')),
    };
    const out = path.join(dir, 'latest.json');
    const logged: string[] = [];
    await runBench(['--out', out], { benchmarks: [broken], log: (l) => logged.push(l) });
    const [line] = readJson(out);
    expect(line).toMatchObject({ name: 'broken', value: null, ratio: null, met: null, goal: 'value <= 1 ms', notRun: 'failed: no store here' });
    expect(logged).toContain('broken: not run: failed: no store here');
  });

  it('runs append-single in --quick mode end to end and records a well-formed line', async () => {
    const out = path.join(dir, 'latest.json');
    const logged: string[] = [];
    const results = await runBench(['--quick', '--only', 'append-single', '--out', out], { log: (l) => logged.push(l) });
    const written = readJson(out);
    expect(written).toEqual(JSON.parse(JSON.stringify(results)));
    expect(written).toHaveLength(1);
    const [line] = written;
    expect(line.notRun).toBeUndefined();
    expect(Object.keys(line)).toEqual(KEYS);
    expect(line).toMatchObject({ name: 'append-single', unit: 'commands/s', goal: 'ratio >= 0.5' });
    expect(line.value).toBeGreaterThan(0);
    expect(line.baseline).toBeGreaterThan(0);
    expect(line.ratio).toBeCloseTo((line.value as number) / (line.baseline as number), 2);
    expect(typeof line.met).toBe('boolean');
    expect(line.details).toMatchObject({ commandsPerRound: 300, rounds: 3, journalMode: 'wal', synchronous: 'FULL' });
    expect(logged.some((l) => l.startsWith('append-single: sizes commandsPerRound=300'))).toBe(true);
  });

  it('generates replay data the SQLite adapter reads and whose hash chain verifies', async () => {
    const file = path.join(dir, 'events.sqlite3');
    await generate(file, 2000, () => undefined);
    const store = SqliteEventStore.open({ file });
    try {
      await expect(verifyEventStore(store)).resolves.toEqual({ ok: true, streams: 200, events: 2000 });
      expect(await store.headPosition()).toBe('2000');
    } finally {
      await store.close();
    }
  });
});
