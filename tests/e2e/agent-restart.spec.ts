import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { agentPrincipal } from '../../application/computer/computer-command-support';
import { MarkComputerOnlineCommand } from '../../application/computer/computer-presence.command';
import { AgentPresenceSweeper } from '../../adapters/ws/agent-presence.sweeper';
import type { ComputerEnrolled } from '../../domain/computer/computer.events';
import { ManualClock } from '../kit/counter-projection';
import { register } from './auth-kit';
import { AgentSocket, enrollWithPassword } from './agent-kit';
import { startApp, type E2eApp } from './e2e-app';

describe('Presence after a restart', () => {
  let app: E2eApp | undefined;

  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('marks offline, three intervals after the boot, a computer the log says is online when its agent never comes back', async () => {
    app = await startApp();
    const email = `restart-${randomUUID().slice(0, 8)}@example.com`;
    const enrolled = await enrollWithPassword(app.url, email, await register(app, email));
    const [event] = (await app.infra.eventStore.readStream(`computer-${enrolled.computerId}`)) as unknown as ComputerEnrolled[];
    // The log says online, but no socket and no presence remember it: what a crashed node leaves behind.
    await app.app
      .get(CommandBus)
      .execute(
        new MarkComputerOnlineCommand(agentPrincipal(enrolled.computerId, event.data.accountId), { computerId: enrolled.computerId, ip: '203.0.113.4', city: null, country: null }, { correlationId: randomUUID() }),
      );
    const dataDir = app.dataDir;
    await app.stop({ keepDataDir: true });

    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00.000Z'));
    app = await startApp({ DATA_DIR: dataDir, AGENT_SWEEP_INTERVAL_MS: '600000' }, { clock });
    const sweeper = app.app.get(AgentPresenceSweeper);
    expect(await sweeper.reconcile()).toBe(1);
    expect(await app.infra.agentLink.presence.get(enrolled.computerId)).toMatchObject({ ip: '203.0.113.4', lastSeen: clock.now() });
    clock.advance(3 * 30_000 + 1);
    expect(await sweeper.sweep()).toBe(1);
    const last = (await app.infra.eventStore.readStream(`computer-${enrolled.computerId}`)).at(-1)!;
    expect(last).toMatchObject({ type: 'ComputerWentOffline', data: { reason: 'missed-heartbeats' } });
  });

  it('marks the agents of a node offline when it shuts down, with in-process presence', async () => {
    app = await startApp();
    const email = `shutdown-${randomUUID().slice(0, 8)}@example.com`;
    const enrolled = await enrollWithPassword(app.url, email, await register(app, email));
    const agent = await AgentSocket.online(app.url, enrolled.agentKey);
    const dataDir = app.dataDir;
    await app.stop({ keepDataDir: true });
    await agent.closed;
    app = await startApp({ DATA_DIR: dataDir });
    const last = (await app.infra.eventStore.readStream(`computer-${enrolled.computerId}`)).at(-1)!;
    expect(last).toMatchObject({ type: 'ComputerWentOffline', data: { reason: 'disconnected' } });
    expect(await app.app.get(AgentPresenceSweeper).reconcile()).toBe(0);
  });
});
