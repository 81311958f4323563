import { type BenchOptions, type Benchmark, median, type OutputSpec, percentile, result, withTempDir } from './bench-harness';
import { type BenchSession, gatewaySetup, loadAverage, rawSetup, type RelaySetup, streamAtRate } from './session-relay-kit';

const MEASURES =
  'p99 ms from a frame sent by a simulated agent (stamp in the payload) to the same frame read by its viewer (same process, same clock), ' +
  'every session streaming at a steady rate in an open loop, each frame acknowledged by the viewer; gateway = /agent -> relay -> /session ' +
  'of the server process, raw = a raw ws relay process';
const P99: OutputSpec = {
  name: 'relay-latency',
  unit: 'ms',
  goal: { on: 'value', op: '<=', target: 10, unit: 'ms' },
  measures: `value: ${MEASURES}; value is the gateway's p99, baseline the raw relay's p99`,
};
const VS_RAW: OutputSpec = {
  name: 'relay-latency-vs-raw',
  unit: 'ms',
  goal: { on: 'ratio', op: '<=', target: 1.5 },
  measures: `${MEASURES}; ratio = gateway p99 / raw relay p99`,
};

function sizes(options: BenchOptions) {
  return options.quick
    ? { sessions: 20, fps: 30, frameKiB: 64, warmupMs: 1_000, msPerRound: 2_000, rounds: 2 }
    : { sessions: 20, fps: 30, frameKiB: 64, warmupMs: 3_000, msPerRound: 5_000, rounds: 8 };
}

interface Side {
  readonly name: string;
  readonly setup: RelaySetup;
  readonly sessions: BenchSession[];
  readonly samples: number[];
  /** The p99 of each round. */
  readonly rounds: number[];
  sent: number;
}

/** Streams on one side for a round; the viewers keep latencies only after the warm-up. */
async function stream(side: Side, s: ReturnType<typeof sizes>, ms: number, record: boolean): Promise<void> {
  const viewers = side.sessions.flatMap((session) => session.viewers);
  for (const viewer of viewers) viewer.recording = record;
  const sent = await streamAtRate(side.sessions, s.fps, ms, s.frameKiB * 1024);
  // Let the last frames arrive before the next side starts.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const samples = viewers.flatMap((viewer) => viewer.latencies.splice(0));
  for (const viewer of viewers) viewer.recording = false;
  if (!record) return;
  side.samples.push(...samples);
  side.rounds.push(percentile(samples, 99));
  side.sent += sent;
}

const ms = (x: number) => Math.round(x * 100) / 100;

/**
 * Latency added by the relay with 20 sessions streaming 64 KiB frames at 30 fps each (36 MiB/s
 * through the relay), gateway against a raw `ws` relay, rounds alternating.
 */
export const relayLatency: Benchmark = {
  name: 'relay-latency',
  outputs: () => [P99, VS_RAW],
  sizes,
  async run(options) {
    const s = sizes(options);
    const loadBefore = loadAverage();
    return withTempDir('relay-latency', async (dir, defer) => {
      options.log(`  starting the server and the raw relay, ${s.sessions} sessions each`);
      const gateway = await gatewaySetup(dir);
      defer(() => gateway.close());
      const raw = await rawSetup();
      defer(() => raw.close());
      const sides: Side[] = [];
      for (const [name, setup] of [['gateway', gateway], ['raw', raw]] as const) {
        const sessions: BenchSession[] = [];
        for (let i = 0; i < s.sessions; i++) sessions.push(await setup.open(1));
        sides.push({ name, setup, sessions, samples: [], rounds: [], sent: 0 });
      }
      for (const side of sides) await stream(side, s, s.warmupMs, false);
      for (let i = 0; i < s.rounds; i++) {
        for (const side of i % 2 === 0 ? sides : [...sides].reverse()) await stream(side, s, s.msPerRound, true);
        options.log(`  round ${i + 1}: p99 gateway ${ms(sides[0].rounds[i])} ms, raw ${ms(sides[1].rounds[i])} ms`);
      }
      const [gw, rw] = sides;
      const details = {
        ...s,
        loadBefore,
        loadAfter: loadAverage(),
        gatewayP50: ms(percentile(gw.samples, 50)),
        gatewayP90: ms(percentile(gw.samples, 90)),
        gatewayMax: ms(Math.max(...gw.samples)),
        gatewayFramesSent: gw.sent,
        gatewayFramesRead: gw.samples.length,
        rawP50: ms(percentile(rw.samples, 50)),
        rawP90: ms(percentile(rw.samples, 90)),
        rawMax: ms(Math.max(...rw.samples)),
        rawFramesSent: rw.sent,
        rawFramesRead: rw.samples.length,
        gatewayRoundsP99: gw.rounds.map(ms).join(','),
        rawRoundsP99: rw.rounds.map(ms).join(','),
        medianRoundRatio: ms(median(gw.rounds.map((p99, i) => p99 / rw.rounds[i]))),
      };
      const figures = { value: percentile(gw.samples, 99), baseline: percentile(rw.samples, 99), details };
      return [result(P99, figures), result(VS_RAW, figures)];
    });
  },
};
