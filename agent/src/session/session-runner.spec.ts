import { decodeFrame, type ScreenFrameHeader } from '../../../application/contracts/session.protocol';
import type { RgbImage } from '../screen/png';
import { ACK_TIMEOUT_MS, MIN_FPS, MIN_QUALITY, SessionRunner, type SessionClock } from './session-runner';

const SESSION = 'sess-0123456789abcdef';

/** Time moves only when the test says so; due timers run in order. */
class ManualClock implements SessionClock {
  private at = 1_700_000_000_000;
  private timers: { due: number; run: () => void; id: number }[] = [];
  private ids = 0;
  now = () => this.at;
  setTimeout = (run: () => void, ms: number) => {
    const id = ++this.ids;
    this.timers.push({ due: this.at + ms, run, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  get pending(): number {
    return this.timers.length;
  }
  /** Moves time on, running the timers that fall due; `settle` waits for the async work they start. */
  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    const end = this.at + ms;
    for (;;) {
      await settle();
      const next = this.timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.at = Math.max(this.at, next.due);
      next.run();
    }
    this.at = end;
    await settle();
  }
}

/** A 64×64 screen whose first pixel changes at every capture (so that every capture is a frame), unless frozen. */
class CountingScreen {
  captures = 0;
  frozen = false;
  failure: string | null = null;
  private readonly image: RgbImage = { width: 128, height: 64, rgb: Buffer.alloc(128 * 64 * 3, 40) };
  capture = async (): Promise<RgbImage> => {
    this.captures++;
    if (this.failure !== null) throw new Error(this.failure);
    if (!this.frozen) this.image.rgb[0] = this.captures & 0xff;
    return { ...this.image, rgb: Buffer.from(this.image.rgb) };
  };
}

function setUp(over: { maxFps?: number; quality?: number; linkUp?: () => boolean } = {}) {
  const clock = new ManualClock();
  const screen = new CountingScreen();
  const sent: ScreenFrameHeader[] = [];
  const logs: string[] = [];
  const runner = new SessionRunner({
    sessionId: SESSION,
    maxFps: over.maxFps ?? 10,
    quality: over.quality ?? 70,
    capture: screen.capture,
    send: (bytes) => {
      if (over.linkUp && !over.linkUp()) return false;
      const frame = decodeFrame(bytes);
      if ('error' in frame) throw new Error(frame.error);
      sent.push(frame.header as ScreenFrameHeader);
      return true;
    },
    log: (_level, message) => logs.push(message),
    clock,
  });
  const advance = (ms: number) => clock.advance(ms, () => runner.idle());
  /** Acknowledges every frame sent so far, `rtt` ms after it went out. */
  const ackAll = async (rtt: number) => {
    await advance(rtt);
    if (sent.length > 0) runner.ack(sent[sent.length - 1].q);
  };
  return { clock, screen, sent, logs, runner, advance, ackAll };
}

describe('SessionRunner', () => {
  it('starts with a keyframe and paces captures at maxFps while acks come back fast', async () => {
    const { runner, sent, advance, ackAll } = setUp({ maxFps: 10 });
    runner.start();
    await advance(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ s: SESSION, q: 0, k: true, w: 128, h: 64 });
    for (let i = 0; i < 19; i++) {
      await ackAll(5);
      await advance(95);
    }
    // Two seconds at 10 fps.
    expect(sent.length).toBeGreaterThanOrEqual(19);
    expect(sent.length).toBeLessThanOrEqual(21);
    expect(sent.map((h) => h.q)).toEqual(sent.map((_, i) => i));
    expect(sent.slice(1).every((h) => !h.k)).toBe(true);
    expect(runner.rate).toEqual({ fps: 10, quality: 70 });
  });

  it('keeps at most two frames unacknowledged, and goes on when an ack arrives', async () => {
    const { runner, sent, advance } = setUp({ maxFps: 10 });
    runner.start();
    await advance(1000);
    expect(sent.map((h) => h.q)).toEqual([0, 1]);
    runner.ack(0);
    await advance(0);
    expect(sent.map((h) => h.q)).toEqual([0, 1, 2]);
    await advance(500);
    expect(sent).toHaveLength(3);
  });

  it('gives up on frames nobody acknowledges, and slows down', async () => {
    const { runner, sent, advance } = setUp({ maxFps: 10, quality: 70 });
    runner.start();
    await advance(ACK_TIMEOUT_MS - 1);
    expect(sent).toHaveLength(2);
    await advance(1);
    expect(sent).toHaveLength(3);
    expect(runner.rate.fps).toBeLessThan(10);
    expect(runner.rate.quality).toBeLessThan(70);
  });

  it('lowers frame rate and quality on slow round trips, down to the floors, and recovers to the ceilings on fast ones', async () => {
    const { runner, advance, ackAll } = setUp({ maxFps: 20, quality: 80 });
    runner.start();
    await advance(0);
    for (let i = 0; i < 30; i++) await ackAll(900);
    expect(runner.rate).toEqual({ fps: MIN_FPS, quality: MIN_QUALITY });
    // Back up in steps, at most one a second: well within 15 s.
    const climb: number[] = [];
    for (let i = 0; i < 300; i++) {
      await ackAll(10);
      await advance(40);
      if (climb.at(-1) !== runner.rate.quality) climb.push(runner.rate.quality);
    }
    expect(runner.rate).toEqual({ fps: 20, quality: 80 });
    expect(climb).toEqual([20, 30, 40, 50, 60, 70, 80]);
  });

  it('sends no frame while the screen does not change, but keeps looking', async () => {
    const { runner, sent, screen, advance, ackAll } = setUp({ maxFps: 10 });
    runner.start();
    await advance(0);
    await ackAll(1);
    screen.frozen = true;
    await advance(1000);
    expect(sent).toHaveLength(1);
    expect(screen.captures).toBeGreaterThanOrEqual(10);
    screen.frozen = false;
    await advance(100);
    expect(sent).toHaveLength(2);
  });

  it('sends a keyframe when asked', async () => {
    const { runner, sent, advance, ackAll } = setUp();
    runner.start();
    await advance(0);
    await ackAll(1);
    await advance(100);
    expect(sent[1].k).toBe(false);
    runner.requestKeyframe();
    await ackAll(1);
    await advance(100);
    expect(sent[2]).toMatchObject({ k: true, tiles: [{ x: 0, y: 0, w: 128, h: 64 }] });
  });

  it('sends a keyframe after a frame was lost on a link that was down', async () => {
    let up = true;
    const { runner, sent, advance, ackAll } = setUp({ linkUp: () => up });
    runner.start();
    await advance(0);
    await ackAll(1);
    up = false;
    await advance(100);
    up = true;
    await advance(100);
    expect(sent.map((h) => [h.q, h.k])).toEqual([
      [0, true],
      [1, true],
    ]);
  });

  it('stops capturing when stopped', async () => {
    const { runner, screen, clock, advance, ackAll } = setUp();
    runner.start();
    await advance(0);
    await ackAll(1);
    await runner.stop();
    const captures = screen.captures;
    await advance(5000);
    expect(screen.captures).toBe(captures);
    expect(clock.pending).toBe(0);
  });

  it('logs a failing capture once, goes on trying, and says when it works again', async () => {
    const { runner, logs, screen, sent, advance } = setUp();
    screen.failure = 'xwd is not installed';
    runner.start();
    await advance(1000);
    expect(screen.captures).toBeGreaterThanOrEqual(10);
    expect(sent).toEqual([]);
    expect(logs.filter((l) => l.includes('xwd is not installed'))).toHaveLength(1);
    screen.failure = null;
    await advance(100);
    expect(sent).toHaveLength(1);
    expect(logs.at(-1)).toMatch(/works again/);
  });
});
