import type WebSocket from 'ws';
import {
  closeSockets,
  heartbeatFleet,
  helloAndWelcome,
  openSockets,
  processUsage,
  seedComputers,
  sleep,
  startRawWsServer,
  startServerProcess,
} from './agent-fleet';
import { type BenchOptions, type Benchmark, type OutputSpec, result, withTempDir } from './bench-harness';

const CPU: OutputSpec = {
  name: 'agents-per-node-cpu',
  unit: '% of a core',
  goal: { on: 'value', op: '<=', target: 5, unit: '%' },
  measures:
    'value: CPU of the server process (user + system, /proc) while the agents stay connected and send a heartbeat every 30 s, ' +
    'over the measuring window after the connection burst settled; baseline: the same server with no agent, same window length',
};
const MEMORY: OutputSpec = {
  name: 'agents-per-node-memory',
  unit: 'bytes/agent',
  goal: { on: 'ratio', op: '<=', target: 3 },
  measures:
    'value: growth of the server process RSS per connected, authenticated, idle agent (hello done, online recorded); ' +
    'baseline: growth of the RSS of a bare ws server per idle connection, same count, same run',
};

function sizes(options: BenchOptions) {
  return options.quick
    ? { agents: 1_000, heartbeatMs: 30_000, settleSeconds: 5, windowSeconds: 15 }
    : { agents: 10_000, heartbeatMs: 30_000, settleSeconds: 15, windowSeconds: 60 };
}

/** Waits until the process uses less than `quietPercent` of a core over 2 s (the online burst is over), at most `maxMs`. */
async function untilQuiet(pid: number, quietPercent: number, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const before = processUsage(pid).cpuSeconds;
    await sleep(2_000);
    if (((processUsage(pid).cpuSeconds - before) / 2) * 100 < quietPercent) return;
  }
}

async function cpuPercentOver(pid: number, seconds: number): Promise<number> {
  const before = processUsage(pid).cpuSeconds;
  const started = Date.now();
  await sleep(seconds * 1000);
  return ((processUsage(pid).cpuSeconds - before) / ((Date.now() - started) / 1000)) * 100;
}

/**
 * Simulated agents with 30-second heartbeats against one server node (a child process running the
 * compiled server on the embedded adapters), against a bare `ws` server for memory.
 */
export const agentsPerNode: Benchmark = {
  name: 'agents-per-node',
  outputs: () => [CPU, MEMORY],
  sizes,
  async run(options) {
    const s = sizes(options);
    return withTempDir('agents-per-node', async (dir, defer) => {
      options.log(`  seeding ${s.agents} enrolled computers`);
      const agents = await seedComputers(dir, s.agents);
      const server = await startServerProcess(dir, { AGENT_HEARTBEAT_INTERVAL_MS: String(s.heartbeatMs) });
      defer(() => server.stop());
      await untilQuiet(server.pid, 5, 30_000);
      const idleCpu = await cpuPercentOver(server.pid, Math.min(s.windowSeconds, 15));
      const rssBefore = processUsage(server.pid).rssBytes;

      options.log(`  connecting ${s.agents} agents`);
      const connectStarted = Date.now();
      let sockets: WebSocket[] = [];
      defer(() => closeSockets(sockets));
      sockets = await openSockets(`${server.url.replace(/^http/, 'ws')}/agent`, s.agents, 64, (socket, i) => helloAndWelcome(socket, agents[i].agentKey));
      const connectSeconds = (Date.now() - connectStarted) / 1000;
      const fleet = heartbeatFleet(sockets, s.heartbeatMs);
      defer(() => fleet.stop());
      await sleep(s.settleSeconds * 1000);
      await untilQuiet(server.pid, 10, 60_000);
      options.log(`  measuring CPU over ${s.windowSeconds} s`);
      const sentBefore = fleet.sent();
      const cpu = await cpuPercentOver(server.pid, s.windowSeconds);
      const heartbeats = fleet.sent() - sentBefore;
      const rssWith = processUsage(server.pid).rssBytes;
      fleet.stop();
      await closeSockets(sockets);
      await server.stop();

      options.log(`  bare ws server with ${s.agents} connections`);
      const raw = await startRawWsServer();
      defer(() => raw.stop());
      await sleep(1_000);
      const rawBefore = processUsage(raw.pid).rssBytes;
      let rawSockets: WebSocket[] = [];
      defer(() => closeSockets(rawSockets));
      rawSockets = await openSockets(raw.url.replace(/^http/, 'ws'), s.agents, 64, async () => undefined);
      await sleep(s.settleSeconds * 1000);
      const rawWith = processUsage(raw.pid).rssBytes;
      await closeSockets(rawSockets);

      const perAgent = (rssWith - rssBefore) / s.agents;
      const perRaw = (rawWith - rawBefore) / s.agents;
      const details = {
        ...s,
        connectSeconds: Math.round(connectSeconds * 10) / 10,
        heartbeatsInWindow: heartbeats,
        idleCpuPercent: Math.round(idleCpu * 100) / 100,
        serverRssBeforeMiB: Math.round(rssBefore / 2 ** 20),
        serverRssWithAgentsMiB: Math.round(rssWith / 2 ** 20),
        rawRssBeforeMiB: Math.round(rawBefore / 2 ** 20),
        rawRssWithConnectionsMiB: Math.round(rawWith / 2 ** 20),
      };
      return [
        result(CPU, { value: cpu, baseline: idleCpu, details }),
        result(MEMORY, { value: perAgent, baseline: perRaw, details }),
      ];
    });
  },
};
