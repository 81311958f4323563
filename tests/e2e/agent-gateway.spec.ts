import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { AGENT_CLOSE, AGENT_MAX_MESSAGE_BYTES, AGENT_PROTOCOL_VERSION } from '../../application/contracts/agent.protocol';
import { SetAccountComputerLimitCommand } from '../../application/computer/enrollment-tokens.command';
import { RemoveComputerCommand } from '../../application/computer/remove-computer.command';
import type { EnrollResponse } from '../../application/contracts/agent.protocol';
import type { ComputerEnrolled } from '../../domain/computer/computer.events';
import { StaticGeolocation } from '../../adapters/geoip/geoip-lite.adapter';
import { operatorIn } from '../../adapters/http/operator-auth.guard';
import { AgentPresenceSweeper } from '../../adapters/ws/agent-presence.sweeper';
import { ManualClock } from '../kit/counter-projection';
import { register } from './auth-kit';
import { AgentSocket, enrollWithPassword, eventually, LINUX_FACTS } from './agent-kit';
import { startApp, type E2eApp } from './e2e-app';

const HEARTBEAT_MS = 30_000;
const GRACE_MS = 1_500;

describe('Agent gateway /agent', () => {
  let app: E2eApp;
  let clock: ManualClock;
  let email: string;
  let password: string;

  const eventsOf = async (computerId: string) => app.infra.eventStore.readStream(`computer-${computerId}`);
  const typesOf = async (computerId: string) => (await eventsOf(computerId)).map((e) => e.type);
  const head = () => app.infra.eventStore.headPosition();

  async function enroll(name?: string): Promise<EnrollResponse> {
    return enrollWithPassword(app.url, email, password, LINUX_FACTS, name);
  }

  beforeAll(async () => {
    clock = new ManualClock(Date.parse('2025-03-01T09:00:00.000Z'));
    app = await startApp(
      {
        AGENT_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
        // The test sweeps by hand with the fake clock; the timer stays out of the way.
        AGENT_SWEEP_INTERVAL_MS: '600000',
        AGENT_HELLO_TIMEOUT_MS: '400',
        AGENT_OFFLINE_GRACE_MS: String(GRACE_MS),
      },
      { clock, agentLink: { geolocation: new StaticGeolocation({ '81.2.69.142': { city: 'St Albans', countryCode: 'GB' } }) } },
    );
    email = `agent-owner-${randomUUID().slice(0, 8)}@example.com`;
    password = await register(app, email);
    // Room for every computer of this file: the plan of a new account includes only a few.
    await setComputerLimit(await accountOf(await enroll()), 1000);
  });

  async function accountOf(enrolled: EnrollResponse): Promise<string> {
    const [event] = (await eventsOf(enrolled.computerId)) as unknown as ComputerEnrolled[];
    return event.data.accountId;
  }

  async function setComputerLimit(accountId: string, limit: number): Promise<void> {
    await app.app.get(CommandBus).execute(new SetAccountComputerLimitCommand(operatorIn(accountId), { accountId, limit }, { correlationId: randomUUID() }));
  }

  afterAll(async () => {
    await app?.stop();
  });

  it('welcomes an enrolled agent, records it online once, and keeps heartbeats out of the event store', async () => {
    const enrolled = await enroll('Reception');
    expect(enrolled.agentKey.length).toBeGreaterThanOrEqual(22);
    expect(enrolled.wsUrl).toBe(`${app.url.replace(/^http/, 'ws')}/agent`);
    const agent = await AgentSocket.connect(app.url);
    agent.hello(enrolled.agentKey);
    const welcome = await agent.next('welcome');
    expect(welcome).toEqual({
      type: 'welcome',
      protocol: AGENT_PROTOCOL_VERSION,
      computerId: enrolled.computerId,
      name: 'Reception',
      heartbeatIntervalMs: HEARTBEAT_MS,
      screenshotIntervalMs: 60_000,
      screenshotUrl: `${app.url}/api/agent/screenshot`,
    });
    await eventually(async () => (await typesOf(enrolled.computerId)).includes('ComputerWentOnline'), 'ComputerWentOnline');
    const online = (await eventsOf(enrolled.computerId)).find((e) => e.type === 'ComputerWentOnline')!;
    expect(online.data).toMatchObject({ computerId: enrolled.computerId, ip: '127.0.0.1', city: null, country: null });
    expect(online.metadata.actor).toEqual({ kind: 'agent', id: enrolled.computerId });

    const before = await head();
    for (let seq = 1; seq <= 20; seq++) {
      clock.advance(HEARTBEAT_MS);
      agent.send({ type: 'heartbeat', seq });
    }
    const lastBeat = clock.now();
    await eventually(async () => (await app.infra.agentLink.presence.get(enrolled.computerId))?.lastSeen === lastBeat, 'the last heartbeat in presence');
    expect(await head()).toBe(before);
    expect(await app.app.get(AgentPresenceSweeper).sweep()).toBe(0);
    expect(await head()).toBe(before);
    await agent.close();
  });

  it('marks a silent agent offline after three missed heartbeats, at the sweep, and closes its socket', async () => {
    const enrolled = await enroll();
    const agent = await AgentSocket.online(app.url, enrolled.agentKey);
    await eventually(async () => (await typesOf(enrolled.computerId)).includes('ComputerWentOnline'), 'online');
    const sweeper = app.app.get(AgentPresenceSweeper);
    clock.advance(3 * HEARTBEAT_MS);
    // Exactly three intervals is not yet "more than three".
    expect(await sweeper.sweep()).toBe(0);
    clock.advance(1);
    // Other tests' computers whose grace period is still running may be swept too.
    expect(await sweeper.sweep()).toBeGreaterThanOrEqual(1);
    const events = await eventsOf(enrolled.computerId);
    expect(events.at(-1)).toMatchObject({ type: 'ComputerWentOffline', data: { reason: 'missed-heartbeats' } });
    expect(events.at(-1)!.metadata.actor.kind).toBe('system');
    expect((await agent.closed).code).toBe(AGENT_CLOSE.PROTOCOL_ERROR);
    expect(await app.infra.agentLink.presence.get(enrolled.computerId)).toBeNull();
    // Nothing more to sweep: the computer is offline once.
    expect(await sweeper.sweep()).toBe(0);
  });

  it('marks the computer offline when its socket closes and it does not come back within the grace period', async () => {
    const enrolled = await enroll();
    const agent = await AgentSocket.online(app.url, enrolled.agentKey);
    await eventually(async () => (await typesOf(enrolled.computerId)).includes('ComputerWentOnline'), 'online');
    await agent.close();
    expect((await typesOf(enrolled.computerId)).at(-1)).toBe('ComputerWentOnline');
    const events = await eventually(async () => {
      const all = await eventsOf(enrolled.computerId);
      return all.at(-1)?.type === 'ComputerWentOffline' ? all : undefined;
    }, 'offline after the grace period', GRACE_MS + 5000);
    expect(events.at(-1)!.data).toMatchObject({ reason: 'disconnected' });
  });

  it('keeps the computer online when the agent reconnects within the grace period', async () => {
    const enrolled = await enroll();
    const first = await AgentSocket.online(app.url, enrolled.agentKey);
    await eventually(async () => (await typesOf(enrolled.computerId)).includes('ComputerWentOnline'), 'online');
    const count = (await eventsOf(enrolled.computerId)).length;
    await first.close();
    const second = await AgentSocket.online(app.url, enrolled.agentKey);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 300));
    expect((await eventsOf(enrolled.computerId)).length).toBe(count);
    expect(second.isClosed).toBe(false);
    await second.close();
  });

  it('replaces an older connection of the same agent', async () => {
    const enrolled = await enroll();
    const first = await AgentSocket.online(app.url, enrolled.agentKey);
    const second = await AgentSocket.online(app.url, enrolled.agentKey);
    expect((await first.closed).code).toBe(1000);
    expect(second.isClosed).toBe(false);
    await second.close();
  });

  describe('bad input closes with 4400 after an error, and changes nothing', () => {
    it.each([
      ['not JSON', 'this is not json', 'MALFORMED_MESSAGE'],
      ['an unknown type', JSON.stringify({ type: 'format-disk' }), 'MALFORMED_MESSAGE'],
      ['a hello without a key', JSON.stringify({ type: 'hello', protocol: 1, facts: LINUX_FACTS }), 'MALFORMED_MESSAGE'],
      ['a heartbeat before hello', JSON.stringify({ type: 'heartbeat', seq: 1 }), 'HELLO_REQUIRED'],
      ['an oversized message', JSON.stringify({ type: 'set-name', name: 'x'.repeat(AGENT_MAX_MESSAGE_BYTES + 10) }), 'MESSAGE_TOO_LARGE'],
    ])('before hello: %s', async (_what, frame, code) => {
      const before = await head();
      const agent = await AgentSocket.connect(app.url);
      agent.send(frame);
      expect((await agent.closed).code).toBe(AGENT_CLOSE.PROTOCOL_ERROR);
      expect(agent.messages).toEqual([expect.objectContaining({ type: 'error', code })]);
      expect(await head()).toBe(before);
    });

    it('a binary frame', async () => {
      const agent = await AgentSocket.connect(app.url);
      agent.send(Buffer.from([1, 2, 3]));
      expect((await agent.closed).code).toBe(AGENT_CLOSE.PROTOCOL_ERROR);
      expect(agent.messages[0]).toMatchObject({ type: 'error', code: 'BINARY_NOT_SUPPORTED' });
    });

    it.each([
      ['malformed', JSON.stringify({ type: 'heartbeat', seq: -1 }), 'MALFORMED_MESSAGE'],
      ['oversized', JSON.stringify({ type: 'facts', facts: { ...LINUX_FACTS, hostname: 'h'.repeat(AGENT_MAX_MESSAGE_BYTES) } }), 'MESSAGE_TOO_LARGE'],
      ['a second hello', 'HELLO', 'HELLO_REQUIRED'],
    ])('after hello: %s, the computer keeps its name, facts and status', async (_what, frame, code) => {
      const enrolled = await enroll('Unchanged');
      const agent = await AgentSocket.online(app.url, enrolled.agentKey);
      await eventually(async () => (await typesOf(enrolled.computerId)).includes('ComputerWentOnline'), 'online');
      const events = await eventsOf(enrolled.computerId);
      const presence = await app.infra.agentLink.presence.get(enrolled.computerId);
      agent.send(frame === 'HELLO' ? { type: 'hello', protocol: 1, agentKey: enrolled.agentKey, facts: { ...LINUX_FACTS, hostname: 'changed' } } : frame);
      expect((await agent.closed).code).toBe(AGENT_CLOSE.PROTOCOL_ERROR);
      expect(agent.messages.at(-1)).toMatchObject({ type: 'error', code });
      // Within the grace period nothing is written: the agent reconnects with back-off.
      expect(await eventsOf(enrolled.computerId)).toEqual(events);
      expect(await app.infra.agentLink.presence.get(enrolled.computerId)).toEqual(presence);
    });

    it('an agent that never says hello is closed after the hello timeout', async () => {
      const agent = await AgentSocket.connect(app.url);
      expect((await agent.closed).code).toBe(AGENT_CLOSE.PROTOCOL_ERROR);
      expect(agent.messages[0]).toMatchObject({ type: 'error', code: 'HELLO_TIMEOUT' });
    });
  });

  it('refuses an unsupported protocol version with 4426', async () => {
    const enrolled = await enroll();
    const agent = await AgentSocket.connect(app.url);
    agent.hello(enrolled.agentKey, LINUX_FACTS, 99);
    expect((await agent.closed).code).toBe(AGENT_CLOSE.UNSUPPORTED_VERSION);
    expect(agent.messages[0]).toMatchObject({ type: 'error', code: 'PROTOCOL_UNSUPPORTED' });
    expect(await typesOf(enrolled.computerId)).toEqual(['ComputerEnrolled']);
  });

  it('refuses an unknown key and the key of a removed computer with 4401', async () => {
    const stranger = await AgentSocket.connect(app.url);
    stranger.hello(`${randomUUID()}.${'A'.repeat(43)}`);
    expect((await stranger.closed).code).toBe(AGENT_CLOSE.UNAUTHORIZED);
    expect(stranger.messages[0]).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });

    const enrolled = await enroll();
    const [enrolledEvent] = (await eventsOf(enrolled.computerId)) as unknown as ComputerEnrolled[];
    const owner = { kind: 'user' as const, id: enrolledEvent.data.ownerUserId, tenantId: enrolledEvent.data.accountId, role: 'owner' as const };
    await app.app.get(CommandBus).execute(new RemoveComputerCommand(owner, { computerId: enrolled.computerId }, { correlationId: randomUUID() }));
    const removed = await AgentSocket.connect(app.url);
    removed.hello(enrolled.agentKey);
    expect((await removed.closed).code).toBe(AGENT_CLOSE.UNAUTHORIZED);
  });

  it('refuses with 4403 the computer of a plan that disables it, and records why', async () => {
    const otherEmail = `limited-${randomUUID().slice(0, 8)}@example.com`;
    const otherPassword = await register(app, otherEmail);
    const first = await enrollWithPassword(app.url, otherEmail, otherPassword);
    await setComputerLimit(await accountOf(first), 0);
    const limited = await enrollWithPassword(app.url, otherEmail, otherPassword);
    expect((await eventsOf(limited.computerId))[0].data).toMatchObject({ planStatus: 'limited' });
    const disabled = await enrollWithPassword(app.url, otherEmail, otherPassword);
    expect((await eventsOf(disabled.computerId))[0].data).toMatchObject({ planStatus: 'disabled' });
    const refused = await AgentSocket.connect(app.url);
    refused.hello(disabled.agentKey);
    expect((await refused.closed).code).toBe(AGENT_CLOSE.DISABLED);
    expect(refused.messages[0]).toMatchObject({ type: 'error', code: 'COMPUTER_DISABLED' });
    expect(await typesOf(disabled.computerId)).toEqual(['ComputerEnrolled']);
    // Still within its 10 days, the limited one works.
    const working = await AgentSocket.online(app.url, limited.agentKey);
    await working.close();
  });

  it('records a renaming from the agent’s own settings', async () => {
    const enrolled = await enroll();
    const agent = await AgentSocket.online(app.url, enrolled.agentKey);
    agent.send({ type: 'set-name', name: 'Front desk' });
    const renamed = await eventually(async () => (await eventsOf(enrolled.computerId)).find((e) => e.type === 'ComputerRenamed'), 'ComputerRenamed');
    expect(renamed.data).toMatchObject({ name: 'Front desk', source: 'agent' });
    await agent.close();
  });

  it('records changed facts, and the same facts again record nothing', async () => {
    const enrolled = await enroll();
    const agent = await AgentSocket.online(app.url, enrolled.agentKey);
    agent.send({ type: 'facts', facts: { ...LINUX_FACTS, loggedInUser: null } });
    agent.send({ type: 'facts', facts: { ...LINUX_FACTS, loggedInUser: null } });
    await eventually(async () => (await typesOf(enrolled.computerId)).includes('ComputerFactsChanged'), 'ComputerFactsChanged');
    agent.send({ type: 'heartbeat', seq: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await typesOf(enrolled.computerId)).filter((t) => t === 'ComputerFactsChanged')).toHaveLength(1);
    await agent.close();
  });
});

describe('Agent gateway behind a proxy', () => {
  let app: E2eApp;

  afterEach(async () => {
    await app?.stop();
  });

  async function onlineWithForwardedFor(env: Record<string, string>): Promise<Record<string, unknown>> {
    app = await startApp(env, { agentLink: { geolocation: new StaticGeolocation({ '81.2.69.142': { city: 'St Albans', countryCode: 'GB' } }) } });
    const email = `proxy-${randomUUID().slice(0, 8)}@example.com`;
    const enrolled = await enrollWithPassword(app.url, email, await register(app, email));
    const agent = await AgentSocket.online(app.url, enrolled.agentKey, LINUX_FACTS, { 'X-Forwarded-For': '81.2.69.142' });
    const online = await eventually(
      async () => (await app.infra.eventStore.readStream(`computer-${enrolled.computerId}`)).find((e) => e.type === 'ComputerWentOnline'),
      'online',
    );
    await agent.close();
    return online.data as Record<string, unknown>;
  }

  it('ignores X-Forwarded-For unless TRUST_PROXY names the proxy', async () => {
    expect(await onlineWithForwardedFor({})).toMatchObject({ ip: '127.0.0.1', city: null, country: null });
  });

  it('records the forwarded address and where it is when TRUST_PROXY trusts the proxy', async () => {
    expect(await onlineWithForwardedFor({ TRUST_PROXY: 'loopback' })).toMatchObject({ ip: '81.2.69.142', city: 'St Albans', country: 'United Kingdom' });
  });
});
