import { type BenchOptions, type Benchmark, median, type OutputSpec, result, withTempDir } from './bench-harness';
import { type BenchSession, cpuDuring, gatewaySetup, loadAverage } from './session-relay-kit';

const SPEC: OutputSpec = {
  name: 'fan-out',
  unit: 'CPU-µs/frame',
  goal: { on: 'ratio', op: '<=', target: 1.1 },
  measures:
    'value: CPU µs (user + system, /proc) of the server process per 64 KiB screen frame of one session watched by 4 viewers ' +
    '(each viewer gets the frame and acknowledges it); baseline: 4 x the CPU µs per frame of a session with one viewer, same server, rounds alternating',
};

function sizes(options: BenchOptions) {
  return options.quick
    ? { viewers: 4, frameKiB: 64, window: 4, warmupFrames: 100, framesPerRound: 300, rounds: 3 }
    : { viewers: 4, frameKiB: 64, window: 4, warmupFrames: 300, framesPerRound: 1_500, rounds: 7 };
}

/** CPU µs of the server per frame the agent sent, every viewer having read and acknowledged it. */
async function cpuMicrosPerFrame(pid: number, session: BenchSession, s: ReturnType<typeof sizes>): Promise<number> {
  const { cpuSeconds } = await cpuDuring(pid, () => session.agent.pump(s.framesPerRound, s.frameKiB * 1024, s.window));
  return (cpuSeconds * 1e6) / s.framesPerRound;
}

const list = (xs: readonly number[]) => xs.map((x) => x.toFixed(0)).join(',');

/** One session with 4 viewers against one session with one viewer, on the same server process. */
export const fanOut: Benchmark = {
  name: 'fan-out',
  outputs: () => [SPEC],
  sizes,
  async run(options) {
    const s = sizes(options);
    const loadBefore = loadAverage();
    return withTempDir('fan-out', async (dir, defer) => {
      options.log(`  starting the server: a session with ${s.viewers} viewers, a session with one`);
      const gateway = await gatewaySetup(dir);
      defer(() => gateway.close());
      const many = await gateway.open(s.viewers);
      const one = await gateway.open(1);
      for (const session of [many, one]) await session.agent.pump(s.warmupFrames, s.frameKiB * 1024, s.window);
      const manyRounds: number[] = [];
      const oneRounds: number[] = [];
      for (let i = 0; i < s.rounds; i++) {
        const order = i % 2 === 0 ? ([many, one] as const) : ([one, many] as const);
        for (const session of order) (session === many ? manyRounds : oneRounds).push(await cpuMicrosPerFrame(gateway.pid, session, s));
        options.log(`  round ${i + 1}: ${s.viewers} viewers ${manyRounds[i].toFixed(0)} CPU-µs/frame, one viewer ${oneRounds[i].toFixed(0)}`);
      }
      const value = median(manyRounds);
      const single = median(oneRounds);
      return [
        result(SPEC, {
          value,
          baseline: s.viewers * single,
          details: {
            ...s,
            loadBefore,
            loadAfter: loadAverage(),
            oneViewerCpuMicrosPerFrame: Math.round(single),
            manyRounds: list(manyRounds),
            oneRounds: list(oneRounds),
          },
        }),
      ];
    });
  },
};
