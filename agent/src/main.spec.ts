import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { parseAgentMessage, type AgentMessage, type EnrollRequest } from '../../application/contracts/agent.protocol';
import { decodeFrame, FRAME_KIND, type DecodedFrame, type SupportJoinRequest } from '../../application/contracts/session.protocol';
import { writeKeyFile } from './key-file';
import { EXIT, run, type AgentHost, type AgentIo } from './main';
import type { AgentOs, ServiceSpec } from './os/agent-os';
import { readSettings } from './settings-file';

const KEY = 'c-7.AbCdEfGhIjKlMnOpQrStUvWx';
const SESSION = 'sess-0123456789abcdef';
const PARTICIPANT_KEY = 'pk.AbCdEfGhIjKlMnOpQrStUvWxYz';

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A stand-in for the server (enroll, screenshot upload and the /agent socket) on 127.0.0.1. */
class StandInServer {
  readonly messages: AgentMessage[] = [];
  readonly enrollments: EnrollRequest[] = [];
  readonly joins: SupportJoinRequest[] = [];
  readonly frames: DecodedFrame[] = [];
  /** The answer to POST /api/support/join (the wsUrl is filled in). */
  joinAnswer: { status: number; body: Record<string, unknown> } = { status: 201, body: { sessionId: SESSION, participantId: 'part-0001', participantKey: PARTICIPANT_KEY } };
  readonly sockets: WebSocket[] = [];
  private constructor(
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
  ) {
    wss.on('connection', (socket) => {
      this.sockets.push(socket);
      socket.on('message', (data, isBinary) => {
        if (isBinary) {
          const frame = decodeFrame(data as Buffer);
          if ('error' in frame) throw new Error(frame.error);
          this.frames.push(frame);
          return;
        }
        const parsed = parseAgentMessage(data.toString());
        if ('error' in parsed) throw new Error(parsed.error);
        this.messages.push(parsed);
        // A participant's hello has no welcome: it is in one session, not a computer of the account.
        if (parsed.type === 'hello' && 'agentKey' in parsed) {
          socket.send(
            JSON.stringify({ type: 'welcome', protocol: 1, computerId: 'c-7', name: 'Server name', heartbeatIntervalMs: 60_000, screenshotIntervalMs: 60_000, screenshotUrl: `${this.url}/api/agent/screenshot` }),
          );
        }
      });
    });
  }

  static async start(): Promise<StandInServer> {
    let self: StandInServer | null = null;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/api/support/join' && self) {
          self.joins.push(JSON.parse(Buffer.concat(chunks).toString()) as SupportJoinRequest);
          const { status, body } = self.joinAnswer;
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status === 201 ? { ...body, wsUrl: `${self.url.replace('http', 'ws')}/agent` } : body));
          return;
        }
        if (req.url === '/api/agent/enroll') {
          self?.enrollments.push(JSON.parse(Buffer.concat(chunks).toString()) as EnrollRequest);
          res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ computerId: 'c-7', agentKey: KEY, name: 'Enrolled PC', wsUrl: `${self?.url.replace('http', 'ws')}/agent` }));
          return;
        }
        res.writeHead(req.url === '/api/agent/screenshot' ? 204 : 404).end();
      });
    });
    const wss = new WebSocketServer({ server, path: '/agent' });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new StandInServer(server, wss);
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  of<T extends AgentMessage['type']>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<AgentMessage, { type: T }> => m.type === type);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise((r) => this.wss.close(r));
    await new Promise((r) => this.server.close(r));
  }
}

/** The OS layer with the service manager and `who` replaced; the rest of run() is the real thing. */
class FakeOs implements AgentOs {
  readonly platform = 'linux' as const;
  consoleUser: string | null = 'alice';
  readonly installed: ServiceSpec[] = [];
  uninstalled = 0;
  readonly service = {
    install: async (spec: ServiceSpec) => {
      this.installed.push(spec);
      return 'installed the fake service';
    },
    uninstall: async () => {
      this.uninstalled++;
      return 'removed the fake service';
    },
  };
  loggedInUser = async () => this.consoleUser;
}

describe('switchboard-agent run()', () => {
  let server: StandInServer;
  let dir: string;
  let fakeOs: FakeOs;
  let host: AgentHost;
  let out: string[];
  let err: string[];
  let io: AgentIo;
  beforeEach(async () => {
    server = await StandInServer.start();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-main-'));
    fakeOs = new FakeOs();
    host = { agentOs: fakeOs, entry: '/opt/switchboard-agent/bin/switchboard-agent' };
    out = [];
    err = [];
    io = { out: (l) => out.push(l), err: (l) => err.push(l) };
  });
  afterEach(async () => {
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const enrolled = () => writeKeyFile(dir, { serverUrl: server.url, computerId: 'c-7', agentKey: KEY, name: 'Server name' });
  const keyName = async () => (JSON.parse(await fs.readFile(path.join(dir, 'agent.json'), 'utf8')) as { name: string }).name;

  it('sends a name set with `set-name` while running, keeps a console rename in both files, and reports the console user', async () => {
    await enrolled();
    const signals = new EventEmitter();
    const running = run(['--data-dir', dir], io, signals, host);
    const hello = (await until(() => server.of('hello')[0], 'hello'));
    expect(hello.facts).toMatchObject({ loggedInUser: 'alice', installed: true, hostname: os.hostname() });

    expect(await run(['set-name', 'Front desk', '--data-dir', dir], io, new EventEmitter(), host)).toBe(EXIT.OK);
    expect(out.join('\n')).toContain('Name set to "Front desk"');
    expect((await until(() => server.of('set-name')[0], 'set-name')).name).toBe('Front desk');
    await until(async () => (await readSettings(dir)).pending === false, 'the setting marked as sent');
    await until(async () => (await keyName()) === 'Front desk', 'the name in agent.json');

    server.sockets[0].send(JSON.stringify({ type: 'rename', name: 'Reception' }));
    await until(async () => (await readSettings(dir)).name === 'Reception', 'the console name in settings.json');
    expect(await readSettings(dir)).toEqual({ name: 'Reception', pending: false });
    await until(async () => (await keyName()) === 'Reception', 'the console name in agent.json');
    expect(server.of('set-name')).toHaveLength(1);

    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(EXIT.OK);
  });

  it('sends at connect a name set while it was not running', async () => {
    await enrolled();
    expect(await run(['set-name', 'Offline rename', '--data-dir', dir], io, new EventEmitter(), host)).toBe(EXIT.OK);
    const signals = new EventEmitter();
    const running = run(['--data-dir', dir], io, signals, host);
    expect((await until(() => server.of('set-name')[0], 'set-name')).name).toBe('Offline rename');
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(EXIT.OK);
  });

  it('--once reports "not installed" and, with nobody at the console, the user running it', async () => {
    await enrolled();
    fakeOs.consoleUser = null;
    const signals = new EventEmitter();
    const running = run(['--once', '--data-dir', dir], io, signals, host);
    const hello = await until(() => server.of('hello')[0], 'hello');
    expect(hello.facts).toMatchObject({ installed: false, loggedInUser: os.userInfo().username });
    signals.emit('SIGINT', 'SIGINT');
    expect(await running).toBe(EXIT.OK);
  });

  it('--install enrolls first, then installs the service that runs this entry on this data directory, without connecting', async () => {
    const code = await run(['--install', '--server', server.url, '--username', 'owner@example.com', '--password', 'pw', '--data-dir', dir, '--screenshot-interval', '30000'], io, new EventEmitter(), host);
    expect(code).toBe(EXIT.OK);
    expect(server.enrollments).toEqual([expect.objectContaining({ method: 'password', username: 'owner@example.com', facts: expect.objectContaining({ installed: true }) })]);
    expect(fakeOs.installed).toEqual([{ execPath: process.execPath, args: [host.entry, '--data-dir', dir, '--screenshot-interval', '30000'], dataDir: dir }]);
    expect(out.join('\n')).toContain('installed the fake service');
    expect(server.messages).toEqual([]);
  });

  it('--install without a key or a way to enroll installs nothing', async () => {
    expect(await run(['--install', '--data-dir', dir], io, new EventEmitter(), host)).toBe(EXIT.USAGE);
    expect(err.join('\n')).toMatch(/not enrolled yet/);
    expect(fakeOs.installed).toEqual([]);
  });

  it('--uninstall removes the service and keeps the key', async () => {
    await enrolled();
    expect(await run(['--uninstall', '--data-dir', dir], io, new EventEmitter(), host)).toBe(EXIT.OK);
    expect(fakeOs.uninstalled).toBe(1);
    expect(out.join('\n')).toContain('removed the fake service');
    await expect(fs.access(path.join(dir, 'agent.json'))).resolves.toBeUndefined();
  });

  it('refuses to run with a key file other users can write, and says how to fix it', async () => {
    await enrolled();
    await fs.chmod(path.join(dir, 'agent.json'), 0o646);
    expect(await run(['--data-dir', dir], io, new EventEmitter(), host)).toBe(EXIT.UNSAFE_KEY_FILE);
    expect(err.join('\n')).toMatch(/can be written by other users \(mode 646\).*chmod 600/);
    expect(server.messages).toEqual([]);
  });

  it('takes a session from the console on its own link: screen frames, a prompt, and the end', async () => {
    await enrolled();
    const signals = new EventEmitter();
    const running = run(['--data-dir', dir], io, signals, host);
    await until(() => server.of('hello')[0], 'hello');
    const socket = server.sockets[0];
    socket.send(JSON.stringify({ type: 'session-start', sessionId: SESSION, maxFps: 10, quality: 60 }));
    const frame = await until(() => server.frames.find((f) => f.kind === FRAME_KIND.SCREEN), 'a screen frame');
    expect(frame.header).toMatchObject({ s: SESSION, q: 0, k: true });
    socket.send(JSON.stringify({ type: 'prompt-open', sessionId: SESSION, promptId: 'p1', cols: 80, rows: 24 }));
    socket.send(JSON.stringify({ type: 'prompt-data', sessionId: SESSION, promptId: 'p1', data: 'exit 5\r' }));
    expect(await until(() => server.of('prompt-exit')[0], 'the prompt exit')).toEqual({ type: 'prompt-exit', sessionId: SESSION, promptId: 'p1', code: 5 });
    socket.send(JSON.stringify({ type: 'session-end', sessionId: SESSION, reason: 'technician' }));
    await until(() => out.some((l) => l.includes(`session ${SESSION} ended (technician)`)), 'the end in the log');
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(EXIT.OK);
  });

  describe('support sessions (end-user, no enrollment)', () => {
    it('joins by connection ID, shares the screen, and exits 0 when the session ends', async () => {
      const running = run(['--code', '123456', '--server', server.url, '--name', 'Ann'], io, new EventEmitter(), host);
      const hello = await until(() => server.of('hello')[0], 'hello');
      expect(server.joins).toEqual([{ code: '123456', name: 'Ann', facts: { hostname: os.hostname(), platform: 'linux' } }]);
      expect(hello).toMatchObject({ participantKey: PARTICIPANT_KEY, facts: { installed: false } });
      server.sockets[0].send(JSON.stringify({ type: 'session-start', sessionId: SESSION, maxFps: 10, quality: 60 }));
      await until(() => server.frames.find((f) => f.kind === FRAME_KIND.SCREEN), 'a screen frame');
      server.sockets[0].send(JSON.stringify({ type: 'session-end', sessionId: SESSION, reason: 'technician' }));
      expect(await running).toBe(EXIT.OK);
      expect(out.join('\n')).toContain('The support session ended (technician)');
      await expect(fs.readdir(dir)).resolves.toEqual([]);
    });

    it('leaves the session on Ctrl-C', async () => {
      const signals = new EventEmitter();
      const token = 'AbCdEfGhIjKlMnOpQrStUv';
      const running = run(['--support-link', `${server.url}/support/${token}?ticket=T-9&name=Bob%20B`], io, signals, host);
      await until(() => server.of('hello')[0], 'hello');
      expect(server.joins[0]).toMatchObject({ link: token, name: 'Bob B' });
      signals.emit('SIGINT', 'SIGINT');
      expect(await running).toBe(EXIT.OK);
      expect(server.of('session-leave')).toEqual([{ type: 'session-leave', sessionId: SESSION }]);
    });

    it('says clearly that a connection ID expired or was used, and exits 7', async () => {
      server.joinAnswer = { status: 410, body: { code: 'CONNECTION_CODE_USED', detail: 'This connection ID was already used' } };
      expect(await run(['--code', '654321', '--server', server.url], io, new EventEmitter(), host)).toBe(EXIT.SESSION_REFUSED);
      expect(err.join('\n')).toMatch(/the connection ID 654321 has expired or was already used: ask the technician for a new one \(410 CONNECTION_CODE_USED: This connection ID was already used\)/);
      server.joinAnswer = { status: 404, body: { code: 'NOT_FOUND', detail: 'Unknown support link' } };
      expect(await run(['--support-link', `${server.url}/s/AbCdEfGhIjKlMnOpQrStUv`], io, new EventEmitter(), host)).toBe(EXIT.SESSION_REFUSED);
      expect(err.join('\n')).toMatch(/This support link is unknown/);
      expect(server.of('hello')).toEqual([]);
    });
  });

  it('says so on a platform the protocol does not know', async () => {
    expect(await run(['--data-dir', dir], io, new EventEmitter(), { agentOs: null, entry: '' })).toBe(EXIT.FAILED);
    expect(err.join('\n')).toMatch(/is not supported/);
  });
});
