import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { AGENT_CLOSE } from '../../application/contracts/agent.protocol';
import {
  decodeFrame,
  encodeFrame,
  FRAME_KIND,
  SESSION_CLOSE,
  SESSION_MAX_FRAME_BYTES,
  type DecodedFrame,
  type ScreenFrameHeader,
  type ScreenTile,
  type ViewerServerMessage,
} from '../../application/contracts/session.protocol';
import type { SessionRelay } from '../../application/ports/session-relay.port';
import {
  SESSION_ACCESS,
  type ParticipantGrant,
  type SessionAccess,
  type SessionFacts,
  type SessionRefusal,
  type ViewerGrant,
} from '../../application/session/session-access.port';
import type { Actor } from '../../domain/shared/event';
import type { SessionEndReason } from '../../domain/session/session.events';
import { AppModule } from '../../adapters/nest/app.module';
import { loadConfig } from '../../adapters/nest/config';
import { openInfrastructure } from '../../adapters/nest/infrastructure';
import { LeanWsAdapter } from '../../adapters/ws/lean-ws-adapter';
import { AgentSessions } from '../../adapters/ws/agent-sessions';
import { SessionGateway } from '../../adapters/ws/session.gateway';
import request from 'supertest';
import type { ComputerListResponse } from '../../application/contracts/computers-live.contracts';
import { bearer, register, signedUp } from './auth-kit';
import { AgentSocket, enrollWithPassword, eventually, LINUX_FACTS, type Closed } from './agent-kit';
import { makeDataDir, startApp as startRealApp, TEST_TOKEN, type E2eApp } from './e2e-app';

const AGENT_LOST_MS = 400;

/**
 * SessionAccess as the use cases will answer, kept in memory: tokens name viewers, sessions are
 * facts, and every call is recorded. Ending publishes `ended` and `session-end` on the relay, as
 * the real one does.
 */
class SessionAccessDouble implements SessionAccess {
  readonly sessions = new Map<string, SessionFacts & { endUsers: string[] }>();
  readonly viewers = new Map<string, { userId: string; displayName: string; allowed: string[] }>();
  readonly participants = new Map<string, { sessionId: string; participantId: string }>();
  readonly calls: { what: string; args: unknown[] }[] = [];
  relay!: SessionRelay;

  private record(what: string, ...args: unknown[]): void {
    this.calls.push({ what, args });
  }

  callsOf(what: string): unknown[][] {
    return this.calls.filter((c) => c.what === what).map((c) => c.args);
  }

  async joinAsViewer(token: string, sessionId: string): Promise<ViewerGrant | SessionRefusal> {
    const viewer = this.viewers.get(token);
    if (!viewer) return { refused: 'UNAUTHORIZED', message: 'Unknown token' };
    const facts = this.sessions.get(sessionId);
    if (!facts) return { refused: 'NOT_FOUND', message: 'No such session' };
    if (!viewer.allowed.includes(sessionId)) {
      this.record('refused', viewer.userId, sessionId);
      return { refused: 'FORBIDDEN', message: 'You may not join this session' };
    }
    if (facts.ended) return { refused: 'ENDED', message: 'The session ended' };
    this.record('join', viewer.userId, sessionId);
    return { ...facts, kind: 'technician', userId: viewer.userId, displayName: viewer.displayName };
  }

  async leaveAsViewer(grant: ViewerGrant): Promise<void> {
    this.record('leave', grant.userId, grant.sessionId);
  }

  async authenticateParticipant(participantKey: string): Promise<ParticipantGrant | SessionRefusal> {
    const participant = this.participants.get(participantKey);
    const facts = participant && this.sessions.get(participant.sessionId);
    if (!participant || !facts || facts.ended) return { refused: 'UNAUTHORIZED', message: 'This participant key is unknown or its session ended' };
    return { ...facts, participantId: participant.participantId };
  }

  async participantLeft(grant: ParticipantGrant): Promise<void> {
    this.record('participant-left', grant.participantId);
  }

  async chooseSharer(grant: ViewerGrant, participantId: string): Promise<SessionFacts | SessionRefusal> {
    const facts = this.sessions.get(grant.sessionId)!;
    if (!facts.endUsers.includes(participantId)) return { refused: 'NOT_FOUND', message: 'No such end-user' };
    const changed = { ...facts, sharer: participantId };
    this.sessions.set(grant.sessionId, changed);
    return changed;
  }

  async describe(sessionId: string): Promise<SessionFacts | null> {
    return this.sessions.get(sessionId) ?? null;
  }

  async end(sessionId: string, reason: SessionEndReason, by: Actor | null): Promise<boolean> {
    const facts = this.sessions.get(sessionId);
    if (!facts || facts.ended) return false;
    this.sessions.set(sessionId, { ...facts, ended: true });
    this.record('end', sessionId, reason, by);
    this.relay.publishToViewers(sessionId, { text: JSON.stringify({ type: 'ended', reason }) });
    const endpoints = facts.computerId ? [sessionId] : facts.endUsers.map((p) => `${sessionId}/${p}`);
    for (const endpoint of endpoints) this.relay.publishToAgent(endpoint, JSON.stringify({ type: 'session-end', sessionId, reason }));
    return true;
  }

  async promptOpened(grant: ViewerGrant, promptId: string): Promise<void> {
    this.record('prompt-opened', grant.userId, promptId);
  }

  async commandLine(grant: ViewerGrant, promptId: string, line: string): Promise<void> {
    this.record('command-line', grant.userId, promptId, line);
  }

  async promptClosed(facts: SessionFacts, promptId: string, exitCode: number | null): Promise<void> {
    this.record('prompt-closed', facts.sessionId, promptId, exitCode);
  }

  async protocolViolation(sessionId: string, by: Actor, code: string): Promise<void> {
    this.record('violation', sessionId, by, code);
  }
}

/** The real app on the embedded adapters, with SessionAccess answered by the double. */
async function startWithAccess(access: SessionAccessDouble): Promise<E2eApp> {
  const dataDir = await makeDataDir();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    OPERATOR_TOKEN: TEST_TOKEN,
    UI_DIST: path.join(dataDir, 'no-ui'),
    DEMO_COMPUTER: 'off',
    SESSION_AGENT_LOST_MS: String(AGENT_LOST_MS),
    DATA_DIR: dataDir,
  });
  const infra = await openInfrastructure(config);
  access.relay = infra.sessionRelay;
  const root = AppModule.forRoot(infra);
  const app = await NestFactory.create<NestExpressApplication>(
    { ...root, providers: [...(root.providers ?? []), { provide: SESSION_ACCESS, useValue: access }] },
    { logger: false, bodyParser: true },
  );
  app.useWebSocketAdapter(new LeanWsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const { rm } = await import('node:fs/promises');
  return {
    app,
    infra,
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    config,
    auth: { Authorization: `Bearer ${TEST_TOKEN}` },
    close: () => app.close(),
    async stop() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A console's viewer socket: JSON messages and binary frames, as the browser gets them. */
class Viewer {
  readonly messages: ViewerServerMessage[] = [];
  readonly frames: Buffer[] = [];
  readonly closed: Promise<Closed>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) this.frames.push(data as Buffer);
      else this.messages.push(JSON.parse(data.toString()) as ViewerServerMessage);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async connect(baseUrl: string): Promise<Viewer> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/session`);
    const viewer = new Viewer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return viewer;
  }

  /** Connects, says hello and waits for the welcome. */
  static async join(baseUrl: string, sessionId: string, token: string): Promise<Viewer> {
    const viewer = await Viewer.connect(baseUrl);
    viewer.send({ type: 'hello', protocol: 1, sessionId, token });
    await viewer.next('welcome');
    return viewer;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  async next<T extends ViewerServerMessage['type']>(type: T, from = 0): Promise<Extract<ViewerServerMessage, { type: T }>> {
    return eventually(
      () => this.messages.slice(from).find((m): m is Extract<ViewerServerMessage, { type: T }> => m.type === type),
      `a ${type} message (got ${JSON.stringify(this.messages)})`,
    );
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.resume();
    this.socket.close();
    await this.closed;
  }
}

/** A screen frame with `tiles` JPEG-sized payloads of `tileBytes` each (the relay does not look inside). */
function screenFrame(sessionId: string, seq: number, keyframe: boolean, tileBytes = 64, tiles = 1): Buffer {
  const list: ScreenTile[] = Array.from({ length: tiles }, (_, i) => ({ x: (i % 16) * 64, y: Math.floor(i / 16) * 64, w: 64, h: 64, f: 'jpeg', n: tileBytes }));
  const payload = Buffer.alloc(tileBytes * tiles, seq & 0xff);
  return Buffer.from(encodeFrame(FRAME_KIND.SCREEN, { s: sessionId, q: seq, t: Date.now(), w: 1024, h: 1024, k: keyframe, tiles: list }, payload));
}

const promptFrame = (sessionId: string, promptId: string, text: string): Buffer =>
  Buffer.from(encodeFrame(FRAME_KIND.PROMPT_OUTPUT, { s: sessionId, p: promptId }, Buffer.from(text)));

describe('Sessions in real time: /session viewers, /agent frames, the relay between them', () => {
  let app: E2eApp;
  const access = new SessionAccessDouble();
  let agentKey: string;
  let computerId: string;
  const open: { close(): Promise<void> }[] = [];

  const track = <T extends { close(): Promise<void> }>(socket: T): T => {
    open.push(socket);
    return socket;
  };

  /** A session on the enrolled computer, which `alice` may join. */
  function computerSession(): string {
    const sessionId = `sess-${randomUUID()}`;
    access.sessions.set(sessionId, {
      sessionId,
      tenantId: 't1',
      source: 'console',
      computerId,
      computerName: 'Reception PC',
      sharer: null,
      recording: false,
      ended: false,
      endUsers: [],
    });
    access.viewers.get('tok-alice')!.allowed.push(sessionId);
    access.viewers.get('tok-bob')!.allowed.push(sessionId);
    return sessionId;
  }

  /** A support-link session with one end-user (the sharer) whose agent holds `key`. */
  function linkSession(): { sessionId: string; participantId: string; key: string } {
    const sessionId = `sess-${randomUUID()}`;
    const participantId = `p-${randomUUID().slice(0, 8)}`;
    const key = `pk-${randomUUID()}`;
    access.sessions.set(sessionId, {
      sessionId,
      tenantId: 't1',
      source: 'link',
      computerId: null,
      computerName: null,
      sharer: participantId,
      recording: false,
      ended: false,
      endUsers: [participantId],
    });
    access.participants.set(key, { sessionId, participantId });
    access.viewers.get('tok-alice')!.allowed.push(sessionId);
    return { sessionId, participantId, key };
  }

  async function participantAgent(key: string): Promise<AgentSocket> {
    const agent = track(await AgentSocket.connect(app.url));
    agent.send({ type: 'hello', protocol: 2, participantKey: key, facts: LINUX_FACTS });
    await agent.next('welcome');
    return agent;
  }

  beforeAll(async () => {
    app = await startWithAccess(access);
    access.viewers.set('tok-alice', { userId: 'alice', displayName: 'Alice', allowed: [] });
    access.viewers.set('tok-bob', { userId: 'bob', displayName: 'Bob', allowed: [] });
    access.viewers.set('tok-mallory', { userId: 'mallory', displayName: 'Mallory', allowed: [] });
    const email = `sessions-${randomUUID().slice(0, 8)}@example.com`;
    const password = await register(app, email);
    const enrolled = await enrollWithPassword(app.url, email, password);
    agentKey = enrolled.agentKey;
    computerId = enrolled.computerId;
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('relays a computer session: start through presence, frames unchanged, input and prompt bytes both ways, command lines, end', async () => {
    const agent = track(await AgentSocket.online(app.url, agentKey));
    const sessionId = computerSession();
    const viewer = track(await Viewer.join(app.url, sessionId, 'tok-alice'));
    expect(viewer.messages[0]).toEqual({ type: 'welcome', protocol: 1, sessionId, computerName: 'Reception PC', source: 'console', recording: false });
    const start = await agent.next('session-start');
    expect(start).toEqual({ type: 'session-start', sessionId, maxFps: 15, quality: 70 });
    await eventually(() => viewer.messages.some((m) => m.type === 'state' && m.agent === 'connected'), 'the agent connected');
    expect(viewer.messages.find((m) => m.type === 'state' && m.agent === 'connected')).toEqual({
      type: 'state',
      agent: 'connected',
      viewers: [{ userId: 'alice', displayName: 'Alice' }],
      sharer: null,
    });

    const keyframe = screenFrame(sessionId, 0, true, 5000, 3);
    agent.send(keyframe);
    const delta = screenFrame(sessionId, 1, false, 100);
    agent.send(delta);
    await eventually(() => viewer.frames.length === 2, 'two frames');
    expect(viewer.frames[0].equals(keyframe)).toBe(true);
    expect(viewer.frames[1].equals(delta)).toBe(true);

    viewer.send({ type: 'input', events: [{ t: 'move', x: 10, y: 20 }, { t: 'text', s: 'héllo' }] });
    viewer.send({ type: 'ack', seq: 1 });
    expect(await agent.next('input')).toEqual({ type: 'input', sessionId, events: [{ t: 'move', x: 10, y: 20 }, { t: 'text', s: 'héllo' }] });
    expect(await agent.next('ack')).toEqual({ type: 'ack', sessionId, seq: 1 });

    viewer.send({ type: 'prompt-open', promptId: 'p1', cols: 80, rows: 24 });
    await viewer.next('prompt-opened');
    expect(await agent.next('prompt-open')).toEqual({ type: 'prompt-open', sessionId, promptId: 'p1', cols: 80, rows: 24 });
    viewer.send({ type: 'prompt-data', promptId: 'p1', data: 'ls -l\u007fa' });
    viewer.send({ type: 'prompt-data', promptId: 'p1', data: '\r\u001b[Awhoami\r' });
    await eventually(() => agent.messages.filter((m) => m.type === 'prompt-data').length === 2, 'the typed bytes at the agent');
    expect(agent.messages.filter((m) => m.type === 'prompt-data').map((m) => (m as { data: string }).data)).toEqual(['ls -l\u007fa', '\r\u001b[Awhoami\r']);
    const echo = promptFrame(sessionId, 'p1', 'ls -a\r\n.  ..\r\n$ ');
    agent.send(echo);
    await eventually(() => viewer.frames.length === 3, 'the prompt output');
    expect(viewer.frames[2].equals(echo)).toBe(true);
    await eventually(() => access.callsOf('command-line').length === 2, 'two command lines');
    expect(access.callsOf('command-line')).toEqual([
      ['alice', 'p1', 'ls -a'],
      ['alice', 'p1', 'whoami'],
    ]);
    expect(access.callsOf('prompt-opened')).toEqual([['alice', 'p1']]);

    agent.send({ type: 'prompt-exit', sessionId, promptId: 'p1', code: 0 });
    expect(await viewer.next('prompt-exit')).toEqual({ type: 'prompt-exit', promptId: 'p1', code: 0 });
    await eventually(() => access.callsOf('prompt-closed').length === 1, 'the prompt closed');

    viewer.send({ type: 'end' });
    expect(await viewer.next('ended')).toEqual({ type: 'ended', reason: 'technician' });
    expect((await viewer.closed).code).toBe(SESSION_CLOSE.ENDED);
    expect(access.callsOf('end')).toEqual([[sessionId, 'technician', { kind: 'user', id: 'alice' }]]);
    expect(await agent.next('session-end')).toMatchObject({ sessionId, reason: 'technician' });
    // Nothing of the ended session is accepted from the agent any more.
    agent.send(screenFrame(sessionId, 2, false));
    expect((await agent.closed).code).toBe(AGENT_CLOSE.PROTOCOL_ERROR);
    expect(agent.messages.at(-1)).toMatchObject({ type: 'error', code: 'UNKNOWN_SESSION' });
  });

  it('shows every viewer to every viewer, asks the agent for a keyframe for a newcomer, and stops it when the last one leaves', async () => {
    const agent = track(await AgentSocket.online(app.url, agentKey));
    const sessionId = computerSession();
    const alice = track(await Viewer.join(app.url, sessionId, 'tok-alice'));
    await agent.next('session-start');
    agent.send(screenFrame(sessionId, 4, true));
    await eventually(() => alice.frames.length === 1, 'alice’s first picture');
    const bob = track(await Viewer.join(app.url, sessionId, 'tok-bob'));
    await agent.next('keyframe');
    await eventually(() => alice.messages.some((m) => m.type === 'state' && m.viewers.length === 2), 'alice sees bob');
    // Bob has no picture yet: a delta is not for him, the keyframe is.
    const keyframe = screenFrame(sessionId, 6, true);
    agent.send(screenFrame(sessionId, 5, false));
    agent.send(keyframe);
    await eventually(() => alice.frames.length === 3 && bob.frames.length === 1, 'the frames');
    expect(bob.frames[0].equals(keyframe)).toBe(true);
    await bob.close();
    await eventually(() => access.callsOf('leave').some(([user, id]) => user === 'bob' && id === sessionId), 'bob left');
    expect(agent.messages.some((m) => m.type === 'session-stop')).toBe(false);
    await alice.close();
    expect(await agent.next('session-stop')).toEqual({ type: 'session-stop', sessionId });
    expect(app.app.get(SessionGateway).counts).toEqual({ viewers: 0, sessions: 0 });
  });

  it('never queues screen frames for a slow viewer: it skips them, a keyframe is asked for, and it resumes from the keyframe; prompt output is kept', async () => {
    const agent = track(await AgentSocket.online(app.url, agentKey));
    const sessionId = computerSession();
    const fast = track(await Viewer.join(app.url, sessionId, 'tok-alice'));
    const slow = track(await Viewer.join(app.url, sessionId, 'tok-bob'));
    await agent.next('session-start');
    agent.send(screenFrame(sessionId, 0, true));
    await eventually(() => fast.frames.length === 1 && slow.frames.length === 1, 'the first keyframe');
    slow.send({ type: 'prompt-open', promptId: 'sp', cols: 80, rows: 24 });
    await slow.next('prompt-opened');
    slow.socket.pause();
    const keyframesAsked = agent.messages.filter((m) => m.type === 'keyframe').length;
    const sent = 120;
    // Paced by the fast viewer, as the agent paces itself on acks.
    for (let seq = 1; seq <= sent; seq++) {
      agent.send(screenFrame(sessionId, seq, false, 64 * 1024, 4));
      if (seq % 10 === 0) agent.send(promptFrame(sessionId, 'sp', `line ${seq}\r\n`));
      await eventually(() => fast.frames.length === 1 + seq, `frame ${seq} at the fast viewer`);
    }
    // The slow one's backlog stayed bounded: the server skipped frames instead of queueing 30 MB.
    expect(agent.messages.filter((m) => m.type === 'keyframe')).toHaveLength(keyframesAsked);
    slow.socket.resume();
    // Once it has drained, the next delta is not for it: the gateway asks for one keyframe.
    let seq = sent;
    await eventually(() => {
      agent.send(screenFrame(sessionId, ++seq, false));
      return agent.messages.filter((m) => m.type === 'keyframe').length === keyframesAsked + 1;
    }, 'a keyframe request');
    const isPrompt = (frame: Buffer) => frame[0] === FRAME_KIND.PROMPT_OUTPUT;
    expect(slow.frames.filter((f) => !isPrompt(f)).length).toBeLessThan(1 + sent);
    // Every prompt line arrived, in order: a terminal cannot resume from a gap.
    await eventually(() => slow.frames.filter(isPrompt).length === sent / 10, 'every prompt line');
    const text = (frame: Buffer) => {
      const decoded = decodeFrame(frame);
      return 'error' in decoded ? decoded.error : Buffer.from(decoded.payload).toString('utf8');
    };
    expect(slow.frames.filter(isPrompt).map(text)).toEqual(Array.from({ length: sent / 10 }, (_, i) => `line ${(i + 1) * 10}\r\n`));
    const last = screenFrame(sessionId, seq + 1, true);
    agent.send(last);
    await eventually(() => slow.frames.at(-1)?.equals(last), 'the keyframe at the slow viewer', 20_000);
  });

  it('starts an end-user’s agent through its endpoint, relays its frames, ends on session-leave', async () => {
    const { sessionId, participantId, key } = linkSession();
    const agent = await participantAgent(key);
    expect(agent.messages[0]).toMatchObject({ type: 'welcome', computerId: '', screenshotUrl: '' });
    // A frame for a session nobody started is not yet refused: the participant serves its own session from hello on.
    const viewer = track(await Viewer.join(app.url, sessionId, 'tok-alice'));
    expect(await agent.next('session-start')).toMatchObject({ sessionId });
    const frame = screenFrame(sessionId, 0, true);
    agent.send(frame);
    await eventually(() => viewer.frames.length === 1, 'the frame');
    expect(viewer.frames[0].equals(frame)).toBe(true);
    viewer.send({ type: 'input', events: [{ t: 'key', key: 'Enter', down: true }] });
    expect(await agent.next('input')).toMatchObject({ sessionId });
    agent.send({ type: 'session-leave', sessionId });
    expect(await viewer.next('ended')).toEqual({ type: 'ended', reason: 'end-user' });
    expect(access.callsOf('end').at(-1)).toEqual([sessionId, 'end-user', { kind: 'customer', id: participantId }]);
    expect(await agent.next('session-end')).toMatchObject({ sessionId });
  });

  it('records a malformed frame of an end-user’s agent on the session it serves, and closes only that link', async () => {
    const { sessionId, participantId, key } = linkSession();
    const agent = await participantAgent(key);
    agent.send(Buffer.from([9, 0, 1, 0x7b]));
    expect((await agent.closed).code).toBe(AGENT_CLOSE.PROTOCOL_ERROR);
    await eventually(() => access.callsOf('violation').some(([s]) => s === sessionId), 'the violation recorded');
    expect(access.callsOf('violation').filter(([s]) => s === sessionId)).toEqual([[sessionId, { kind: 'customer', id: participantId }, 'MALFORMED_FRAME']]);
  });

  it('tells viewers at once that the agent is lost, and ends the session after SESSION_AGENT_LOST_MS', async () => {
    const { sessionId, participantId, key } = linkSession();
    const agent = await participantAgent(key);
    const viewer = track(await Viewer.join(app.url, sessionId, 'tok-alice'));
    await agent.next('session-start');
    await eventually(() => viewer.messages.some((m) => m.type === 'state' && m.agent === 'connected'), 'connected');
    await agent.close();
    await eventually(() => viewer.messages.some((m) => m.type === 'state' && m.agent === 'lost'), 'lost');
    expect(access.callsOf('end').some(([id]) => id === sessionId)).toBe(false);
    expect(await viewer.next('ended')).toEqual({ type: 'ended', reason: 'agent-lost' });
    expect(access.callsOf('participant-left')).toContainEqual([participantId]);
  });

  it('does not end a session whose agent came back in time', async () => {
    const { sessionId, key } = linkSession();
    const agent = await participantAgent(key);
    const viewer = track(await Viewer.join(app.url, sessionId, 'tok-alice'));
    await agent.next('session-start');
    await agent.close();
    await eventually(() => viewer.messages.some((m) => m.type === 'state' && m.agent === 'lost'), 'lost');
    const back = await participantAgent(key);
    expect(await back.next('session-start')).toMatchObject({ sessionId });
    await new Promise((resolve) => setTimeout(resolve, AGENT_LOST_MS * 2));
    expect(access.callsOf('end').some(([id]) => id === sessionId)).toBe(false);
    expect(app.app.get(AgentSessions).lostCount).toBe(0);
  });

  it('refuses joining without permission, unknown tokens and sessions, with the close code that says why', async () => {
    const sessionId = computerSession();
    const cases: [string, string, string, number][] = [
      ['tok-mallory', sessionId, 'FORBIDDEN', SESSION_CLOSE.FORBIDDEN],
      ['tok-nobody', sessionId, 'UNAUTHORIZED', SESSION_CLOSE.UNAUTHORIZED],
      ['tok-alice', 'sess-unknown-0000', 'NOT_FOUND', SESSION_CLOSE.NOT_FOUND],
    ];
    for (const [token, id, code, close] of cases) {
      const viewer = track(await Viewer.connect(app.url));
      viewer.send({ type: 'hello', protocol: 1, sessionId: id, token });
      expect(await viewer.next('error')).toMatchObject({ code });
      expect((await viewer.closed).code).toBe(close);
    }
    expect(access.callsOf('refused')).toContainEqual(['mallory', sessionId]);
    expect(access.callsOf('join').some(([user]) => user === 'mallory')).toBe(false);
  });

  it('answers malformed, oversized, binary and out-of-order viewer messages with a protocol error, and nothing reaches the agent', async () => {
    const agent = track(await AgentSocket.online(app.url, agentKey));
    const sessionId = computerSession();
    const bad: [unknown, string][] = [
      ['not json', 'MALFORMED_MESSAGE'],
      [{ type: 'input', events: [{ t: 'move', x: -1, y: 0 }] }, 'MALFORMED_MESSAGE'],
      [{ type: 'prompt-data', promptId: 'p1', data: 'x'.repeat(5000) }, 'MALFORMED_MESSAGE'],
      [JSON.stringify({ type: 'input', events: [{ t: 'text', s: 'x'.repeat(1000) }] }).padEnd(20_000, ' '), 'MESSAGE_TOO_LARGE'],
      [Buffer.from([1, 2, 3]), 'BINARY_NOT_SUPPORTED'],
      [{ type: 'hello', protocol: 1, sessionId, token: 'tok-alice' }, 'HELLO_REQUIRED'],
    ];
    for (const [message, code] of bad) {
      const viewer = track(await Viewer.join(app.url, sessionId, 'tok-alice'));
      viewer.send(message);
      expect(await viewer.next('error')).toMatchObject({ code });
      expect((await viewer.closed).code).toBe(SESSION_CLOSE.PROTOCOL_ERROR);
    }
    // Each refusal of a joined viewer's message is recorded on the session; the second hello is only out of order.
    const violations = () => access.callsOf('violation').filter(([s]) => s === sessionId);
    await eventually(() => violations().length === 5, 'the violations recorded');
    expect(violations()).toEqual(
      ['MALFORMED_MESSAGE', 'MALFORMED_MESSAGE', 'MALFORMED_MESSAGE', 'MESSAGE_TOO_LARGE', 'BINARY_NOT_SUPPORTED'].map((code) => [sessionId, { kind: 'user', id: 'alice' }, code]),
    );
    const early = track(await Viewer.connect(app.url));
    early.send({ type: 'input', events: [{ t: 'move', x: 1, y: 1 }] });
    expect(await early.next('error')).toMatchObject({ code: 'HELLO_REQUIRED' });
    expect(agent.messages.filter((m) => m.type === 'input' || m.type === 'prompt-data')).toEqual([]);

    const viewer = track(await Viewer.join(app.url, sessionId, 'tok-alice'));
    viewer.send({ type: 'prompt-data', promptId: 'nope', data: 'rm -rf /\r' });
    expect(await viewer.next('error')).toMatchObject({ code: 'UNKNOWN_PROMPT' });
    const seen = viewer.messages.length;
    for (let i = 0; i < 9; i++) viewer.send({ type: 'prompt-open', promptId: `p${i}`, cols: 80, rows: 24 });
    expect(await viewer.next('error', seen)).toMatchObject({ code: 'TOO_MANY_PROMPTS' });
    await eventually(() => agent.messages.filter((m) => m.type === 'prompt-open').length === 8, 'eight prompts');
    expect(access.callsOf('command-line').some(([, p]) => p === 'nope')).toBe(false);
  });

  it('closes an agent with a protocol error for a malformed, oversized or foreign frame, and relays none of them', async () => {
    const sessionId = computerSession();
    const viewer = track(await Viewer.join(app.url, sessionId, 'tok-alice'));
    const cases: [Buffer, string][] = [
      [Buffer.from([9, 0, 1, 0x7b]), 'MALFORMED_FRAME'],
      [Buffer.concat([screenFrame(sessionId, 0, true), Buffer.from([0])]), 'MALFORMED_FRAME'],
      [screenFrame('sess-someone-else', 0, true), 'UNKNOWN_SESSION'],
      [Buffer.alloc(SESSION_MAX_FRAME_BYTES + 1, 1), 'MESSAGE_TOO_LARGE'],
    ];
    for (const [frame, code] of cases) {
      const agent = track(await AgentSocket.online(app.url, agentKey));
      agent.send(frame);
      expect((await agent.closed).code).toBe(AGENT_CLOSE.PROTOCOL_ERROR);
      expect(agent.messages.at(-1)).toMatchObject({ type: 'error', code });
    }
    const v1 = track(await AgentSocket.connect(app.url));
    v1.hello(agentKey, LINUX_FACTS, 1);
    await v1.next('welcome');
    v1.send(screenFrame(sessionId, 0, true));
    expect((await v1.closed).code).toBe(AGENT_CLOSE.PROTOCOL_ERROR);
    expect(v1.messages.at(-1)).toMatchObject({ type: 'error', code: 'BINARY_NOT_SUPPORTED' });
    expect(viewer.frames).toEqual([]);
  });
});

describe('A session on the demo computer, through the real use cases', () => {
  let app: E2eApp;

  afterAll(async () => {
    await app?.stop();
  });

  it('opens in one click, shows a changing screen, takes input, echoes the toy prompt, records command lines, ends', async () => {
    app = await startRealApp({ DEMO_COMPUTER: 'on' });
    const { pair } = await signedUp(app, `demo-session-${randomUUID().slice(0, 8)}@example.com`);
    const demo = await eventually(async () => {
      const res = await request(app.url).get('/api/computers').set(bearer(pair.accessToken)).expect(200);
      const row = (res.body as ComputerListResponse).demo;
      return row?.status === 'online' ? row : undefined;
    }, 'the demo computer online', 15_000);
    const opened = await request(app.url).post('/api/sessions').set(bearer(pair.accessToken)).send({ computerId: demo.id }).expect(201);
    const sessionId = (opened.body as { sessionId: string }).sessionId;

    const viewer = await Viewer.join(app.url, sessionId, pair.accessToken);
    try {
      const screens = () => viewer.frames.map((f) => decodeFrame(f)).filter((f): f is DecodedFrame<ScreenFrameHeader> => !('error' in f) && f.kind === FRAME_KIND.SCREEN);
      const first = await eventually(() => screens()[0], 'the first screen frame', 15_000);
      expect(first.header).toMatchObject({ s: sessionId, k: true, w: 1024, h: 640 });
      viewer.send({ type: 'ack', seq: first.header.q });
      // The clock shows seconds and a bar moves: more frames come as they are acknowledged.
      const second = await eventually(() => screens()[1], 'a second screen frame', 15_000);
      viewer.send({ type: 'ack', seq: second.header.q });
      viewer.send({ type: 'input', events: [{ t: 'text', s: 'hello' }] });

      viewer.send({ type: 'prompt-open', promptId: 'p1', cols: 80, rows: 24 });
      await viewer.next('prompt-opened');
      const output = () =>
        viewer.frames
          .map((f) => decodeFrame(f))
          .filter((f) => !('error' in f) && f.kind === FRAME_KIND.PROMPT_OUTPUT)
          .map((f) => Buffer.from((f as DecodedFrame).payload).toString('utf8'))
          .join('');
      await eventually(() => output().endsWith('demo$ '), 'the prompt');
      viewer.send({ type: 'prompt-data', promptId: 'p1', data: 'echo hi there\r' });
      await eventually(() => output().includes('echo hi there\r\nhi there\r\ndemo$ '), 'the echo');

      // A malformed message from a second viewer closes that link only, and the audit log shows it.
      const rogue = await Viewer.join(app.url, sessionId, pair.accessToken);
      rogue.send({ type: 'input', events: [{ t: 'move', x: -5, y: 0 }] });
      expect((await rogue.closed).code).toBe(SESSION_CLOSE.PROTOCOL_ERROR);
      const audited = await eventually(async () => {
        const res = await request(app.url).get('/api/audit?type=SecurityAttemptRecorded').set(bearer(pair.accessToken)).expect(200);
        return (res.body.entries as { summary: string; actor: { kind: string } }[]).find((e) => e.summary.includes('a session link'));
      }, 'the violation in the audit log');
      expect(audited).toMatchObject({ actor: { kind: 'user' } });
      expect(audited.summary).toMatch(/malformed message/);

      viewer.send({ type: 'end' });
      expect(await viewer.next('ended')).toEqual({ type: 'ended', reason: 'technician' });
      expect((await viewer.closed).code).toBe(SESSION_CLOSE.ENDED);
      const types = await eventually(async () => {
        const events = await app.infra.eventStore.readStream(`session-${sessionId}`);
        return events.some((e) => e.type === 'CommandLineRecorded') ? events : undefined;
      }, 'the command line recorded');
      expect(types.map((e) => e.type)).toEqual(expect.arrayContaining(['SessionOpened', 'TechnicianJoined', 'SessionStarted', 'PromptOpened', 'CommandLineRecorded', 'SessionEnded']));
      expect(types.find((e) => e.type === 'CommandLineRecorded')?.data).toMatchObject({ promptId: 'p1', line: 'echo hi there' });
    } finally {
      await viewer.close();
    }
  });
});
