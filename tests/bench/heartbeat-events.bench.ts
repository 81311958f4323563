import * as path from 'node:path';
import type WebSocket from 'ws';
import { bootstrap } from '../../adapters/nest/bootstrap';
import { loadConfig } from '../../adapters/nest/config';
import { comparePositions } from '../../application/ports/position';
import { closeSockets, heartbeatFleet, helloAndWelcome, openSockets, seedComputers, sleep } from './agent-fleet';
import { type BenchOptions, type Benchmark, type OutputSpec, result, withTempDir } from './bench-harness';

const SPEC: OutputSpec = {
  name: 'heartbeat-events',
  unit: 'events/heartbeat',
  goal: { on: 'value', op: '<=', target: 0.01 },
  measures:
    'value: events appended to the log while the agents beat (1 % of them fall silent and are swept offline, the only transitions), ' +
    'divided by the heartbeats sent in that time; baseline: 1, one event per heartbeat (heartbeats written as events)',
};

function sizes(options: BenchOptions) {
  return options.quick ? { agents: 100, heartbeatMs: 1_000, windowSeconds: 10 } : { agents: 500, heartbeatMs: 1_000, windowSeconds: 30 };
}

/** Heartbeats go to presence: the log grows only by the status transitions that matter. */
export const heartbeatEvents: Benchmark = {
  name: 'heartbeat-events',
  outputs: () => [SPEC],
  sizes,
  async run(options) {
    const s = sizes(options);
    return withTempDir('heartbeat-events', async (dir, defer) => {
      const agents = await seedComputers(dir, s.agents);
      const config = loadConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dir,
        LOG_LEVEL: 'silent',
        DEMO_COMPUTER: 'off',
        UI_DIST: path.join(dir, 'no-ui'),
        AGENT_HEARTBEAT_INTERVAL_MS: String(s.heartbeatMs),
        AGENT_SWEEP_INTERVAL_MS: String(s.heartbeatMs),
      });
      const app = await bootstrap(config);
      defer(() => app.close());
      let sockets: WebSocket[] = [];
      defer(() => closeSockets(sockets));
      sockets = await openSockets(`${app.url.replace(/^http/, 'ws')}/agent`, s.agents, 32, (socket, i) => helloAndWelcome(socket, agents[i].agentKey));
      // Every agent came online (one event each); wait until the last of those is written.
      const online = async () => (await app.infra.eventStore.readAll({ limit: 100_000 })).filter((e) => e.type === 'ComputerWentOnline').length;
      const deadline = Date.now() + 60_000;
      while ((await online()) < s.agents && Date.now() < deadline) await sleep(100);
      const silent = Math.max(1, Math.round(s.agents / 100));
      const beating = sockets.slice(silent);
      const before = await app.infra.eventStore.headPosition();
      const fleet = heartbeatFleet(beating, s.heartbeatMs);
      defer(() => fleet.stop());
      await sleep(s.windowSeconds * 1000);
      fleet.stop();
      // The last heartbeats reach the server before the head is read.
      await sleep(500);
      const after = await app.infra.eventStore.headPosition();
      const appended = comparePositions(after, before) === 0 ? [] : await app.infra.eventStore.readAll({ after: before, limit: 100_000 });
      const heartbeats = fleet.sent();
      const offline = appended.filter((e) => e.type === 'ComputerWentOffline').length;
      return [
        result(SPEC, {
          value: appended.length / Math.max(1, heartbeats),
          baseline: 1,
          details: { ...s, heartbeats, eventsAppended: appended.length, sweptOffline: offline, silentAgents: silent, onlineEventsBeforeWindow: s.agents },
        }),
      ];
    });
  },
};
