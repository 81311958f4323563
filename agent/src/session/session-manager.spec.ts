import { decodeFrame, FRAME_KIND, type AgentSessionMessage, type InputEvent, type ScreenFrameHeader } from '../../../application/contracts/session.protocol';
import { renderSyntheticScreen } from '../screen/synthetic-screen';
import type { InputSink } from './input';
import { SessionManager } from './session-manager';

const S1 = 'sess-0123456789abcdef';
const S2 = 'sess-fedcba9876543210';

async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function setUp() {
  const frames: { kind: number; header: ScreenFrameHeader | { s: string; p: string } }[] = [];
  const messages: AgentSessionMessage[] = [];
  const inputs: InputEvent[][] = [];
  const ended: string[] = [];
  const logs: string[] = [];
  const input: InputSink = { apply: (events) => void inputs.push([...events]), idle: async () => undefined };
  const manager = new SessionManager({
    capture: async () => renderSyntheticScreen(new Date()),
    input,
    sendFrame: (bytes) => {
      const frame = decodeFrame(bytes);
      if ('error' in frame) throw new Error(frame.error);
      frames.push({ kind: frame.kind, header: frame.header as ScreenFrameHeader });
      return true;
    },
    sendMessage: (m) => messages.push(m) > 0,
    backlog: () => 0,
    log: (_l, m) => logs.push(m),
    onEnded: (id, reason) => ended.push(`${id}:${reason}`),
    shell: { file: '/bin/sh', args: [] },
  });
  return { manager, frames, messages, inputs, ended, logs };
}

describe('SessionManager', () => {
  it('streams the screen from session-start, routes input, acks and prompts, and ends on session-end', async () => {
    const { manager, frames, messages, inputs, ended } = setUp();
    try {
      manager.handle({ type: 'session-start', sessionId: S1, maxFps: 30, quality: 60 });
      const first = await until(() => frames.find((f) => f.kind === FRAME_KIND.SCREEN), 'a screen frame');
      expect(first.header).toMatchObject({ s: S1, q: 0, k: true });
      manager.handle({ type: 'ack', sessionId: S1, seq: 0 });
      manager.handle({ type: 'input', sessionId: S1, events: [{ t: 'text', s: 'hi' }] });
      expect(inputs).toEqual([[{ t: 'text', s: 'hi' }]]);

      manager.handle({ type: 'prompt-open', sessionId: S1, promptId: 'p1', cols: 80, rows: 24 });
      manager.handle({ type: 'prompt-data', sessionId: S1, promptId: 'p1', data: 'exit 7\r' });
      await until(() => messages.length === 1, 'the prompt exit');
      expect(messages).toEqual([{ type: 'prompt-exit', sessionId: S1, promptId: 'p1', code: 7 }]);
      expect(frames.some((f) => f.kind === FRAME_KIND.PROMPT_OUTPUT && 'p' in f.header && f.header.p === 'p1')).toBe(true);

      manager.handle({ type: 'session-end', sessionId: S1, reason: 'technician' });
      expect(ended).toEqual([`${S1}:technician`]);
      expect(manager.ids).toEqual([]);
      const count = frames.length;
      await new Promise((r) => setTimeout(r, 150));
      expect(frames.length).toBe(count);
    } finally {
      await manager.closeAll();
    }
  });

  it('ignores control for a session it is not in', async () => {
    const { manager, inputs, messages, logs } = setUp();
    manager.handle({ type: 'input', sessionId: S2, events: [{ t: 'text', s: 'rm -rf ~' }] });
    manager.handle({ type: 'prompt-open', sessionId: S2, promptId: 'p1', cols: 80, rows: 24 });
    expect(inputs).toEqual([]);
    expect(messages).toEqual([]);
    expect(logs).toEqual([expect.stringMatching(/ignored input for session/), expect.stringMatching(/ignored prompt-open/)]);
  });

  it('stops the stream on session-stop and starts again, from a keyframe with sequence 0, on the next session-start', async () => {
    const { manager, frames } = setUp();
    try {
      manager.handle({ type: 'session-start', sessionId: S1, maxFps: 30, quality: 60 });
      await until(() => frames.length >= 1, 'the first frame');
      manager.handle({ type: 'session-stop', sessionId: S1 });
      manager.handle({ type: 'session-start', sessionId: S1, maxFps: 30, quality: 60 });
      const restarted = await until(() => frames.slice(1).find((f) => (f.header as ScreenFrameHeader).k), 'the keyframe after the restart');
      expect(restarted.header).toMatchObject({ q: 0, k: true });
    } finally {
      await manager.closeAll();
    }
  });
});
