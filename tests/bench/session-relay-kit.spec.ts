import { decodeFrame, parseViewerMessage } from '../../application/contracts/session.protocol';
import { startApp, type E2eApp } from '../e2e/e2e-app';
import { connectGatewaySession, cpuDuring, inputMessage, rawSetup, readScreenFrame, type RelaySetup, screenFrame, signUpTechnician, streamAtRate } from './session-relay-kit';

describe('session benchmark kit', () => {
  it('builds screen frames the protocol accepts, of the asked payload, with the sender stamp', () => {
    const bytes = screenFrame('bench-session-1', 7, 64 * 1024, true);
    const frame = decodeFrame(bytes);
    if ('error' in frame) throw new Error(frame.error);
    expect(frame.payload.length).toBe(64 * 1024);
    expect(frame.header).toMatchObject({ s: 'bench-session-1', q: 7, k: true, w: 1920, h: 1080 });
    expect(readScreenFrame(bytes).seq).toBe(7);
    expect(readScreenFrame(bytes).sentAt).toBeGreaterThan(0);
    expect(readScreenFrame(bytes).sentAt).toBeLessThanOrEqual(performance.now());
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
      const sent = await streamAtRate(sessions, 30, 500, 16 * 1024);
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
      const session = await connectGatewaySession(app.url, technician, 'kit-computer', 2);
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
        for (const socket of session.sockets) socket.terminate();
      }
    });
  });
});
