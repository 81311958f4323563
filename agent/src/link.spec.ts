import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { AGENT_CLOSE, AGENT_PROTOCOL_VERSION, parseAgentMessage, type AgentMessage } from '../../application/contracts/agent.protocol';
import { decodeFrame, encodeFrame, FRAME_KIND, SESSION_CLOSE, type SessionToAgentMessage } from '../../application/contracts/session.protocol';
import { AgentLink, backoffDelay, collectFacts, REAL_TIMERS, type LinkStop, type LinkTimers, type Welcome } from './link';

const KEY = 'c-1.AbCdEfGhIjKlMnOpQrStUvWx';

/** Real intervals (heartbeats are short in these tests), but every retry delay recorded and run at once. */
class RecordingTimers implements LinkTimers {
  readonly delays: number[] = [];
  setTimeout(run: () => void, ms: number): unknown {
    this.delays.push(ms);
    return setTimeout(run, 1);
  }
  clearTimeout = REAL_TIMERS.clearTimeout;
  setInterval = REAL_TIMERS.setInterval;
  clearInterval = REAL_TIMERS.clearInterval;
}

async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A stand-in server: records what agents send and lets each test decide how to answer a hello. */
class FakeServer {
  readonly received: AgentMessage[] = [];
  readonly binary: Buffer[] = [];
  readonly sockets: WebSocket[] = [];
  onHello: (socket: WebSocket, hello: Extract<AgentMessage, { type: 'hello' }>) => void = (socket) => socket.send(JSON.stringify(welcome()));
  private constructor(readonly wss: WebSocketServer) {
    wss.on('connection', (socket) => {
      this.sockets.push(socket);
      socket.on('message', (data, isBinary) => {
        if (isBinary) return void this.binary.push(data as Buffer);
        const parsed = parseAgentMessage(data.toString());
        if ('error' in parsed) throw new Error(parsed.error);
        this.received.push(parsed);
        if (parsed.type === 'hello') this.onHello(socket, parsed);
      });
    });
  }
  static async start(): Promise<FakeServer> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    return new FakeServer(wss);
  }
  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/agent`;
  }
  count(type: AgentMessage['type']): number {
    return this.received.filter((m) => m.type === type).length;
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise((r) => this.wss.close(r));
  }
}

const welcome = (over: Partial<Welcome> = {}): Welcome => ({
  type: 'welcome',
  protocol: 1,
  computerId: 'c-1',
  name: 'Laptop',
  heartbeatIntervalMs: 20,
  screenshotIntervalMs: 60_000,
  screenshotUrl: 'http://127.0.0.1/api/agent/screenshot',
  ...over,
});

describe('backoffDelay', () => {
  it('is uniform below min(cap, base·2^attempt)', () => {
    const config = { baseMs: 1000, capMs: 30_000 };
    expect(backoffDelay(0, config, () => 0.999)).toBe(999);
    expect(backoffDelay(3, config, () => 0.5)).toBe(4000);
    expect(backoffDelay(10, config, () => 0.999)).toBe(29_970);
    expect(backoffDelay(1000, config, () => 0.999)).toBe(29_970);
    expect(backoffDelay(5, config, () => 0)).toBe(0);
  });
});

describe('collectFacts', () => {
  it('reports this computer in the shape the protocol checks', () => {
    const facts = collectFacts(false);
    expect(facts).toMatchObject({ installed: false, agentVersion: expect.any(String), hostname: expect.any(String) });
    expect(parseAgentMessage(JSON.stringify({ type: 'hello', protocol: 1, agentKey: KEY, facts }))).toMatchObject({ type: 'hello', facts });
  });
});

describe('AgentLink', () => {
  let server: FakeServer;
  let link: AgentLink | null = null;
  beforeEach(async () => {
    server = await FakeServer.start();
  });
  afterEach(async () => {
    await link?.stop();
    link = null;
    await server.close();
  });

  const start = (over: Partial<ConstructorParameters<typeof AgentLink>[0]> = {}) => {
    const events = { welcomes: [] as Welcome[], renames: [] as string[], stops: [] as LinkStop[], disconnects: 0, ready: 0, sessions: [] as SessionToAgentMessage[] };
    const timers = new RecordingTimers();
    link = new AgentLink({
      wsUrl: server.url,
      agentKey: KEY,
      facts: () => collectFacts(true),
      onWelcome: (w) => events.welcomes.push(w),
      onRename: (n) => events.renames.push(n),
      onStop: (s) => events.stops.push(s),
      onDisconnect: () => events.disconnects++,
      onReady: () => events.ready++,
      onSession: (m) => events.sessions.push(m),
      timers,
      random: () => 0.5,
      backoff: { baseMs: 1000, capMs: 4000, disabledRetryMs: 3_600_000 },
      ...over,
    } as ConstructorParameters<typeof AgentLink>[0]);
    link.start();
    return { events, timers };
  };

  it('says hello with its key and facts, then beats at the welcome’s interval', async () => {
    const { events } = start();
    await until(() => events.welcomes.length === 1, 'the welcome');
    expect(server.received[0]).toMatchObject({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, agentKey: KEY, facts: { installed: true } });
    await until(() => server.count('heartbeat') >= 3, 'three heartbeats');
    const seqs = server.received.filter((m) => m.type === 'heartbeat').map((m) => (m as { seq: number }).seq);
    expect(seqs.slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('hears a rename and sends its own name and facts', async () => {
    const { events } = start();
    await until(() => events.welcomes.length === 1, 'the welcome');
    server.sockets[0].send(JSON.stringify({ type: 'rename', name: 'Front desk' }));
    await until(() => events.renames.length === 1, 'the rename');
    expect(events.renames).toEqual(['Front desk']);
    expect(link!.setName('Mine')).toBe(true);
    expect(link!.reportFacts()).toBe(true);
    await until(() => server.count('set-name') === 1 && server.count('facts') === 1, 'set-name and facts');
  });

  it('reconnects with doubling, capped, jittered delays, reset by a welcome', async () => {
    let refusals = 4;
    server.onHello = (socket) => {
      if (refusals-- > 0) socket.close(AGENT_CLOSE.PROTOCOL_ERROR, 'nope');
      else socket.send(JSON.stringify(welcome()));
    };
    const { events, timers } = start();
    await until(() => events.welcomes.length === 1, 'the welcome after four refusals');
    // random() = 0.5: half of 1, 2, 4, then the 4 s cap.
    expect(timers.delays).toEqual([500, 1000, 2000, 2000]);
    server.sockets.at(-1)!.close(1001, 'going away');
    await until(() => events.welcomes.length === 2, 'the welcome after a restart');
    expect(timers.delays.at(-1)).toBe(500);
    expect(events.disconnects).toBe(1);
  });

  it('stops on 4401: the computer was removed, enroll again', async () => {
    server.onHello = (socket) => socket.close(AGENT_CLOSE.UNAUTHORIZED, 'This agent key is unknown or was revoked: enroll again');
    const { events, timers } = start();
    await until(() => events.stops.length === 1, 'the stop');
    expect(events.stops[0]).toMatchObject({ reason: 'removed', message: expect.stringMatching(/removed.*enroll again/) });
    expect(timers.delays).toEqual([]);
    expect(server.count('hello')).toBe(1);
  });

  it('stops on 4426: update the agent', async () => {
    server.onHello = (socket) => socket.close(AGENT_CLOSE.UNSUPPORTED_VERSION, 'update the agent');
    const { events } = start();
    await until(() => events.stops.length === 1, 'the stop');
    expect(events.stops[0]).toMatchObject({ reason: 'update-required', message: expect.stringMatching(/update the agent/) });
  });

  it('retries rarely on 4403: the plan disables this computer', async () => {
    let first = true;
    server.onHello = (socket) => {
      if (first) socket.close(AGENT_CLOSE.DISABLED, 'disabled');
      else socket.send(JSON.stringify(welcome()));
      first = false;
    };
    const { events, timers } = start();
    await until(() => events.welcomes.length === 1, 'the welcome after the disabled retry');
    expect(timers.delays).toEqual([3_600_000]);
    expect(events.stops).toEqual([]);
  });

  it('hands session control to the session handler and sends binary frames and session messages', async () => {
    const { events } = start();
    const frame = encodeFrame(FRAME_KIND.PROMPT_OUTPUT, { s: 'sess-0123456789abcdef', p: 'p1' }, Buffer.from('hi'));
    expect(link!.sendFrame(frame)).toBe(false);
    await until(() => events.welcomes.length === 1 && events.ready === 1, 'the welcome');
    server.sockets[0].send(JSON.stringify({ type: 'session-start', sessionId: 'sess-0123456789abcdef', maxFps: 15, quality: 70 }));
    server.sockets[0].send(JSON.stringify({ type: 'session-start', sessionId: 'bad id', maxFps: 15, quality: 70 }));
    server.sockets[0].send(JSON.stringify({ type: 'ack', sessionId: 'sess-0123456789abcdef', seq: 4 }));
    await until(() => events.sessions.length === 2, 'two session messages');
    expect(events.sessions).toEqual([
      { type: 'session-start', sessionId: 'sess-0123456789abcdef', maxFps: 15, quality: 70 },
      { type: 'ack', sessionId: 'sess-0123456789abcdef', seq: 4 },
    ]);
    expect(link!.sendFrame(frame)).toBe(true);
    expect(link!.sendSession({ type: 'prompt-exit', sessionId: 'sess-0123456789abcdef', promptId: 'p1', code: 0 })).toBe(true);
    await until(() => server.binary.length === 1 && server.count('prompt-exit') === 1, 'the frame and the exit');
    expect(decodeFrame(server.binary[0])).toMatchObject({ kind: FRAME_KIND.PROMPT_OUTPUT, header: { p: 'p1' } });
  });

  describe('participant mode (an end-user’s agent in one support session)', () => {
    const PARTICIPANT_KEY = 'pk.AbCdEfGhIjKlMnOpQrStUvWxYz';
    // With a participant key the link is in participant mode (the agent key start() passes is not used).
    const participant = () => ({ participantKey: PARTICIPANT_KEY }) as Partial<ConstructorParameters<typeof AgentLink>[0]>;

    it('says hello with the participant key and is ready without a welcome', async () => {
      server.onHello = () => undefined;
      const { events } = start(participant());
      await until(() => events.ready === 1, 'ready');
      const hello = server.received[0] as Record<string, unknown>;
      expect(hello).toMatchObject({ type: 'hello', protocol: AGENT_PROTOCOL_VERSION, participantKey: PARTICIPANT_KEY });
      expect(hello.agentKey).toBeUndefined();
      expect(link!.sendSession({ type: 'session-leave', sessionId: 'sess-0123456789abcdef' })).toBe(true);
      await until(() => server.count('session-leave') === 1, 'the leave');
    });

    it('stops when the server refuses the key, and when the session ended', async () => {
      server.onHello = (socket) => socket.close(AGENT_CLOSE.UNAUTHORIZED, 'Unknown participant');
      const refused = start(participant());
      await until(() => refused.events.stops.length === 1, 'the stop');
      expect(refused.events.stops[0]).toMatchObject({ reason: 'refused', message: expect.stringMatching(/Unknown participant.*no longer valid/) });
      await link!.stop();

      server.onHello = (socket) => setTimeout(() => socket.close(SESSION_CLOSE.ENDED, 'technician'), 20);
      const ended = start(participant());
      await until(() => ended.events.stops.length === 1, 'the stop');
      expect(ended.events.stops[0]).toEqual({ reason: 'ended', message: 'The support session ended (technician)' });
      expect(ended.timers.delays).toEqual([]);
    });
  });

  it('retries while the server is not there yet', async () => {
    const url = server.url;
    await server.close();
    server = await FakeServer.start();
    const { timers } = start({ wsUrl: url });
    await until(() => timers.delays.length >= 3, 'three retries');
    expect(timers.delays.slice(0, 3)).toEqual([500, 1000, 2000]);
  });
});
