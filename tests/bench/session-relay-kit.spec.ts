import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { decodeFrame, parseViewerMessage } from '../../application/contracts/session.protocol';
import { startApp, type E2eApp } from '../e2e/e2e-app';
import { buildPrivately, privateBuildEnv } from '../kit/private-build';
import { ClientProcess, splitClients } from './session-client-process';
import { inputMessage, localClients, readScreenFrame, screenFrame, sharedClock, streamAtRate } from './session-clients';
import { connectGatewaySession, cpuDuring, rawSetup, rawSetupWith, type RelaySetup, signUpTechnician } from './session-relay-kit';

describe('session benchmark kit', () => {
  it('builds screen frames the protocol accepts, of the asked payload, with the sender stamp', () => {
    const bytes = screenFrame('bench-session-1', 7, 64 * 1024, true);
    const frame = decodeFrame(bytes);
    if ('error' in frame) throw new Error(frame.error);
    expect(frame.payload.length).toBe(64 * 1024);
    expect(frame.header).toMatchObject({ s: 'bench-session-1', q: 7, k: true, w: 1920, h: 1080 });
    expect(readScreenFrame(bytes).seq).toBe(7);
    expect(readScreenFrame(bytes).sentAt).toBeGreaterThan(0);
    expect(readScreenFrame(bytes).sentAt).toBeLessThanOrEqual(sharedClock());
    // A small payload is one tile; a bad one is refused by the decoder, not the builder.
    expect('error' in decodeFrame(screenFrame('bench-session-1', 0, 100, false))).toBe(false);
  });

  it('builds input messages of exactly the asked size that the viewer link accepts', () => {
    const text = inputMessage(100);
    expect(Buffer.byteLength(text)).toBe(100);
    expect(parseViewerMessage(text)).toMatchObject({ type: 'input', events: [{ t: 'move' }, { t: 'text' }] });
    expect(() => inputMessage(20)).toThrow(RangeError);
  });

  describe('through the raw ws relay', () => {
    let raw: RelaySetup;
    beforeAll(async () => {
      raw = await rawSetup();
    });
    afterAll(() => raw.close());

    it('carries frames to every viewer and their acks back, within the window', async () => {
      const session = await raw.open(2);
      await session.agent.pump(20, 64 * 1024, 3);
      for (const viewer of session.viewers) {
        expect(viewer.frames).toBe(20);
        expect(viewer.bytes).toBe(session.agent.bytesSent);
      }
      expect(session.agent.inFlight).toBe(0);
    });

    it('carries input from the viewer to the agent, and measures the relay process CPU', async () => {
      const session = await raw.open(1);
      const { cpuSeconds, seconds } = await cpuDuring(raw.pid, () => session.agent.receiveInput(session.viewers[0], inputMessage(100), 2_000, 64));
      expect(session.agent.inputs).toBe(2_000);
      expect(cpuSeconds).toBeGreaterThanOrEqual(0);
      expect(seconds).toBeGreaterThan(0);
    });

    it('streams at a rate and records a latency per frame read', async () => {
      const sessions = [await raw.open(1), await raw.open(1)];
      for (const s of sessions) s.viewers[0].recording = true;
      const sent = await streamAtRate(
        sessions.map((s) => s.agent),
        30,
        500,
        16 * 1024,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sent).toBeGreaterThanOrEqual(28);
      expect(sent).toBeLessThanOrEqual(32);
      const latencies = sessions.flatMap((s) => s.viewers[0].latencies);
      expect(latencies).toHaveLength(sent);
      for (const ms of latencies) expect(ms).toBeGreaterThan(0);
    });
  });

  describe('through the server gateways', () => {
    let app: E2eApp;
    beforeAll(async () => {
      app = await startApp();
    });
    afterAll(() => app.stop());

    it('opens a one-click session: agent hello, POST /api/sessions, viewers welcomed, session-start; frames, acks and input go through', async () => {
      const technician = await signUpTechnician(app.url, app.dataDir, 'kit-technician@example.com');
      const clients = localClients();
      const session = await connectGatewaySession(app.url, technician, 'kit-computer', 2, clients);
      try {
        expect(session.viewers.map((v) => v.texts[0]?.type)).toEqual(['welcome', 'welcome']);
        await session.agent.pump(10, 64 * 1024, 2);
        for (const viewer of session.viewers) {
          expect(viewer.frames).toBe(10);
          expect(viewer.bytes).toBe(session.agent.bytesSent);
        }
        await session.agent.receiveInput(session.viewers[1], inputMessage(100), 100, 16);
        expect(session.agent.inputs).toBe(100);
      } finally {
        await clients.close();
      }
    });

    it('opens a session with the agent in one client process and the viewer in another', async () => {
      const technician = await signUpTechnician(app.url, app.dataDir, 'kit-split-technician@example.com');
      const session = await connectGatewaySession(app.url, technician, 'kit-split-computer', 1, splitClients(split.senders, split.receivers));
      await split.receivers.record([...session.viewers]);
      expect(await split.senders.stream([session.agent], 30, 300, 64 * 1024)).toBeGreaterThanOrEqual(8);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await split.receivers.take([...session.viewers])).latencies.length).toBeGreaterThanOrEqual(8);
    });
  });

  let split: { senders: ClientProcess; receivers: ClientProcess; build: string; script: string };
  beforeAll(async () => {
    const { root, main } = await buildPrivately('tests/bench/session-client-process.ts', 'session-client-process');
    const start = () => ClientProcess.start({ script: main, env: privateBuildEnv });
    split = { senders: start(), receivers: start(), build: root, script: main };
  }, 120_000);
  afterAll(async () => {
    await Promise.all([split.senders.stop(), split.receivers.stop()]);
    await fs.rm(split.build, { recursive: true, force: true });
  });

  describe('in client processes', () => {
    it('stamps frames on a clock that another process reads the same', () => {
      const clients = path.join(path.dirname(split.script), 'session-clients.js');
      const before = sharedClock();
      const there = Number(execFileSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(clients)}).sharedClock()))`], { env: { ...process.env, ...privateBuildEnv } }).toString());
      const after = sharedClock();
      expect(there).toBeGreaterThanOrEqual(before);
      expect(there).toBeLessThanOrEqual(after);
    });

    it('streams from the sender process to the viewer process through the raw relay, one latency per frame', async () => {
      const raw = await rawSetupWith(splitClients(split.senders, split.receivers));
      try {
        const sessions = [await raw.open(1), await raw.open(2)];
        const viewers = sessions.flatMap((s) => s.viewers);
        await split.receivers.record(viewers);
        const sent = await split.senders.stream(
          sessions.map((s) => s.agent),
          30,
          500,
          16 * 1024,
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
        const { latencies, gc } = await split.receivers.take(viewers);
        expect(sent).toBeGreaterThanOrEqual(28);
        // The second session has two viewers: each reads every frame of its session.
        expect(latencies.length).toBeGreaterThan(sent);
        expect(latencies.length).toBeLessThan(2 * sent);
        for (const ms of latencies) {
          expect(ms).toBeGreaterThan(0);
          expect(ms).toBeLessThan(1_000);
        }
        expect(gc.count).toBeGreaterThanOrEqual(0);
      } finally {
        await raw.close();
      }
    });
  });
});
