import { type BenchOptions, type Benchmark, median, type OutputSpec, percentile, result, withTempDir } from './bench-harness';
import { ClientProcess, type GcPauses, splitClients } from './session-client-process';
import type { ClientSession } from './session-clients';
import { gatewaySetupWith, loadAverage, rawSetupWith, type RelaySetup } from './session-relay-kit';

const MEASURES =
  'p99 ms from a frame sent by a simulated agent (stamp in the payload) to the same frame read by its viewer, the agents in one client ' +
  'process and the viewers in another (stamps on CLOCK_MONOTONIC, shared by the processes), every session streaming at a steady rate in ' +
  'an open loop, each frame acknowledged by the viewer; gateway = /agent -> relay -> /session of the server process, raw = a raw ws relay process';
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
  readonly setup: RelaySetup<number, number>;
  readonly agents: number[];
  readonly viewers: number[];
  readonly samples: number[];
  /** The p99 of each round. */
  readonly rounds: number[];
  /** The viewer process's GC pauses during this side's rounds. */
  readonly gc: GcPauses[];
  sent: number;
}

interface Clients {
  readonly senders: ClientProcess;
  readonly receivers: ClientProcess;
}

/** Streams on one side for a round; the viewers keep latencies only after the warm-up. */
async function stream(side: Side, clients: Clients, s: ReturnType<typeof sizes>, ms: number, record: boolean): Promise<void> {
  await clients.receivers.record(side.viewers);
  const sent = await clients.senders.stream(side.agents, s.fps, ms, s.frameKiB * 1024);
  // Let the last frames arrive before the next side starts.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const { latencies, gc } = await clients.receivers.take(side.viewers);
  if (!record) return;
  side.samples.push(...latencies);
  side.rounds.push(percentile(latencies, 99));
  side.gc.push(gc);
  side.sent += sent;
}

/** The GC pauses of the viewer process over a side's rounds, as details named after the side. */
const gcDetails = (side: Side) => ({
  [`${side.name}ViewerGcPauses`]: side.gc.reduce((n, r) => n + r.count, 0),
  [`${side.name}ViewerGcTotalMs`]: ms(side.gc.reduce((n, r) => n + r.totalMs, 0)),
  [`${side.name}ViewerGcMaxMs`]: ms(Math.max(0, ...side.gc.map((r) => r.maxMs))),
});

const ms = (x: number) => Math.round(x * 100) / 100;

/**
 * Latency added by the relay with 20 sessions streaming 64 KiB frames at 30 fps each (36 MiB/s
 * through the relay), gateway against a raw `ws` relay, rounds alternating. The agents run in one
 * client process and the viewers in another, both driven from here: this process only coordinates.
 */
export const relayLatency: Benchmark = {
  name: 'relay-latency',
  outputs: () => [P99, VS_RAW],
  sizes,
  async run(options) {
    const s = sizes(options);
    const loadBefore = loadAverage();
    return withTempDir('relay-latency', async (dir, defer) => {
      options.log(`  starting the server, the raw relay and the two client processes, ${s.sessions} sessions each`);
      const clients: Clients = { senders: ClientProcess.start(), receivers: ClientProcess.start() };
      defer(() => clients.senders.stop());
      defer(() => clients.receivers.stop());
      const placement = splitClients(clients.senders, clients.receivers);
      const gateway = await gatewaySetupWith(dir, placement);
      defer(() => gateway.close());
      const raw = await rawSetupWith(placement);
      defer(() => raw.close());
      const sides: Side[] = [];
      for (const [name, setup] of [['gateway', gateway], ['raw', raw]] as const) {
        const sessions: ClientSession<number, number>[] = [];
        for (let i = 0; i < s.sessions; i++) sessions.push(await setup.open(1));
        const agents = sessions.map((session) => session.agent);
        const viewers = sessions.flatMap((session) => session.viewers);
        sides.push({ name, setup, agents, viewers, samples: [], rounds: [], gc: [], sent: 0 });
      }
      for (const side of sides) await stream(side, clients, s, s.warmupMs, false);
      for (let i = 0; i < s.rounds; i++) {
        for (const side of i % 2 === 0 ? sides : [...sides].reverse()) await stream(side, clients, s, s.msPerRound, true);
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
        ...gcDetails(gw),
        ...gcDetails(rw),
      };
      const figures = { value: percentile(gw.samples, 99), baseline: percentile(rw.samples, 99), details };
      return [result(P99, figures), result(VS_RAW, figures)];
    });
  },
};
