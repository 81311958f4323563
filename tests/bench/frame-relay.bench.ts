import { type BenchOptions, type Benchmark, median, type OutputSpec, result, withTempDir } from './bench-harness';
import { type BenchSession, cpuDuring, gatewaySetup, loadAverage, rawSetup, type RelaySetup } from './session-relay-kit';

const SPEC: OutputSpec = {
  name: 'frame-relay',
  unit: 'MB/CPU-s',
  goal: { on: 'ratio', op: '>=', target: 0.8 },
  measures:
    'value: MiB of 64 KiB screen frames delivered to the viewer per CPU second (user + system, /proc) of the server process, ' +
    'agent on /agent -> relay -> viewer on /session, each frame acknowledged by the viewer back to the agent; ' +
    'baseline: the same frames and acks through a raw ws relay process (one socket to the other, nothing else); ratio = raw CPU/MB / gateway CPU/MB',
};

function sizes(options: BenchOptions) {
  return options.quick
    ? { frameKiB: 64, window: 4, warmupFrames: 300, framesPerRound: 1_000, rounds: 3 }
    : { frameKiB: 64, window: 4, warmupFrames: 1_000, framesPerRound: 4_000, rounds: 7 };
}

interface Round {
  readonly mbPerCpuSecond: number;
  readonly mbPerSecond: number;
}

/** Pumps `frames` frames through one side and measures that side's process. */
async function round(setup: RelaySetup, session: BenchSession, frames: number, s: ReturnType<typeof sizes>): Promise<Round> {
  const viewer = session.viewers[0];
  const before = viewer.bytes;
  const { cpuSeconds, seconds } = await cpuDuring(setup.pid, () => session.agent.pump(frames, s.frameKiB * 1024, s.window));
  const mb = (viewer.bytes - before) / 2 ** 20;
  return { mbPerCpuSecond: mb / cpuSeconds, mbPerSecond: mb / seconds };
}

const list = (xs: readonly number[]) => xs.map((x) => x.toFixed(0)).join(',');

/**
 * 64 KiB screen frames from a simulated protocol-2 agent to one viewer through the server's gateways
 * (compiled server in a child process), against a raw `ws` relay process, rounds alternating; the
 * clients run in this process, so each side's CPU is its relay's own.
 */
export const frameRelay: Benchmark = {
  name: 'frame-relay',
  outputs: () => [SPEC],
  sizes,
  async run(options) {
    const s = sizes(options);
    const loadBefore = loadAverage();
    return withTempDir('frame-relay', async (dir, defer) => {
      options.log('  starting the server and the raw relay, one session each');
      const gateway = await gatewaySetup(dir);
      defer(() => gateway.close());
      const raw = await rawSetup();
      defer(() => raw.close());
      const sides = [
        { setup: gateway, session: await gateway.open(1), rounds: [] as Round[] },
        { setup: raw, session: await raw.open(1), rounds: [] as Round[] },
      ];
      for (const side of sides) await side.session.agent.pump(s.warmupFrames, s.frameKiB * 1024, s.window);
      for (let i = 0; i < s.rounds; i++) {
        // Alternate which side goes first, so a drift in the machine's load falls on both.
        for (const side of i % 2 === 0 ? sides : [...sides].reverse()) side.rounds.push(await round(side.setup, side.session, s.framesPerRound, s));
        options.log(`  round ${i + 1}: gateway ${sides[0].rounds[i].mbPerCpuSecond.toFixed(0)} MB/CPU-s, raw ${sides[1].rounds[i].mbPerCpuSecond.toFixed(0)} MB/CPU-s`);
      }
      const [gw, rw] = sides.map((side) => side.rounds);
      const value = median(gw.map((r) => r.mbPerCpuSecond));
      const baseline = median(rw.map((r) => r.mbPerCpuSecond));
      return [
        result(SPEC, {
          value,
          baseline,
          details: {
            ...s,
            loadBefore,
            loadAfter: loadAverage(),
            gatewayCpuMsPerMB: Math.round((1000 / value) * 100) / 100,
            rawCpuMsPerMB: Math.round((1000 / baseline) * 100) / 100,
            gatewayRounds: list(gw.map((r) => r.mbPerCpuSecond)),
            rawRounds: list(rw.map((r) => r.mbPerCpuSecond)),
            gatewayWallMBps: Math.round(median(gw.map((r) => r.mbPerSecond))),
            rawWallMBps: Math.round(median(rw.map((r) => r.mbPerSecond))),
          },
        }),
      ];
    });
  },
};
