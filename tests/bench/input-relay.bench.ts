import { type BenchOptions, type Benchmark, median, type OutputSpec, result, withTempDir } from './bench-harness';
import { type BenchSession, cpuDuring, gatewaySetup, inputMessage, loadAverage, rawSetup, type RelaySetup } from './session-relay-kit';

const SPEC: OutputSpec = {
  name: 'input-relay',
  unit: 'msgs/CPU-s',
  goal: { on: 'ratio', op: '>=', target: 0.6 },
  measures:
    'value: 100-byte input messages (a pointer move and typed text) from a viewer on /session through the server process to the ' +
    'session agent on /agent, per CPU second (user + system, /proc) of the server process; baseline: the same messages through a raw ' +
    'ws relay process, per CPU second of that process; ratio = raw CPU/message / gateway CPU/message (wall-clock rates in details)',
};

function sizes(options: BenchOptions) {
  return options.quick
    ? { messageBytes: 100, window: 256, warmupMessages: 5_000, messagesPerRound: 20_000, rounds: 3 }
    : { messageBytes: 100, window: 256, warmupMessages: 20_000, messagesPerRound: 100_000, rounds: 7 };
}

interface Round {
  readonly perCpuSecond: number;
  readonly perSecond: number;
}

async function round(setup: RelaySetup, session: BenchSession, text: string, s: ReturnType<typeof sizes>): Promise<Round> {
  const { cpuSeconds, seconds } = await cpuDuring(setup.pid, () => session.agent.receiveInput(session.viewers[0], text, s.messagesPerRound, s.window));
  return { perCpuSecond: s.messagesPerRound / cpuSeconds, perSecond: s.messagesPerRound / seconds };
}

const list = (xs: readonly number[]) => xs.map((x) => x.toFixed(0)).join(',');

/**
 * Input from one viewer to its session's agent, a window of messages in flight (the sender waits
 * when `window` messages have not arrived), through the gateways against a raw `ws` relay, rounds
 * alternating. The goal is judged on CPU per message of the relay process: the wall-clock rate of
 * the raw side is bounded by the clients in this process as much as by the relay.
 */
export const inputRelay: Benchmark = {
  name: 'input-relay',
  outputs: () => [SPEC],
  sizes,
  async run(options) {
    const s = sizes(options);
    const loadBefore = loadAverage();
    const text = inputMessage(s.messageBytes);
    return withTempDir('input-relay', async (dir, defer) => {
      options.log('  starting the server and the raw relay, one session each');
      const gateway = await gatewaySetup(dir);
      defer(() => gateway.close());
      const raw = await rawSetup();
      defer(() => raw.close());
      const sides = [
        { setup: gateway, session: await gateway.open(1), rounds: [] as Round[] },
        { setup: raw, session: await raw.open(1), rounds: [] as Round[] },
      ];
      for (const side of sides) await side.session.agent.receiveInput(side.session.viewers[0], text, s.warmupMessages, s.window);
      for (let i = 0; i < s.rounds; i++) {
        for (const side of i % 2 === 0 ? sides : [...sides].reverse()) side.rounds.push(await round(side.setup, side.session, text, s));
        options.log(`  round ${i + 1}: gateway ${sides[0].rounds[i].perCpuSecond.toFixed(0)} msgs/CPU-s, raw ${sides[1].rounds[i].perCpuSecond.toFixed(0)} msgs/CPU-s`);
      }
      const [gw, rw] = sides.map((side) => side.rounds);
      const gwWall = median(gw.map((r) => r.perSecond));
      const rawWall = median(rw.map((r) => r.perSecond));
      return [
        result(SPEC, {
          value: median(gw.map((r) => r.perCpuSecond)),
          baseline: median(rw.map((r) => r.perCpuSecond)),
          details: {
            ...s,
            loadBefore,
            loadAfter: loadAverage(),
            gatewayRounds: list(gw.map((r) => r.perCpuSecond)),
            rawRounds: list(rw.map((r) => r.perCpuSecond)),
            gatewayWallMsgsPerSecond: Math.round(gwWall),
            rawWallMsgsPerSecond: Math.round(rawWall),
            wallRatio: Math.round((gwWall / rawWall) * 1000) / 1000,
          },
        }),
      ];
    });
  },
};
