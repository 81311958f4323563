import sharp from 'sharp';
import { decodeFrame, FRAME_KIND, type ScreenFrameHeader } from '../../application/contracts/session.protocol';
import { DEMO_SCREEN_HEIGHT, DEMO_SCREEN_WIDTH } from './demo-screen';
import { DemoSession } from './demo-session';

async function eventually<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('DemoSession', () => {
  let session: DemoSession | null = null;
  afterEach(() => session?.stop());

  const start = () => {
    const frames: { header: ScreenFrameHeader; payload: Uint8Array }[] = [];
    session = new DemoSession({
      sessionId: 'session-0001',
      name: () => 'Demo computer',
      maxFps: 15,
      quality: 60,
      now: () => new Date('2025-01-01T10:00:00Z'),
      send: (bytes) => {
        const frame = decodeFrame(bytes);
        if ('error' in frame) throw new Error(frame.error);
        expect(frame.kind).toBe(FRAME_KIND.SCREEN);
        frames.push({ header: frame.header as ScreenFrameHeader, payload: frame.payload });
        return true;
      },
      log: (message) => {
        throw new Error(message);
      },
    });
    session.start();
    return frames;
  };

  it('starts with a keyframe of JPEG bands covering the screen, then sends only what changed', async () => {
    const frames = start();
    const first = await eventually(() => frames[0], 'the keyframe');
    expect(first.header).toMatchObject({ s: 'session-0001', q: 0, k: true, w: DEMO_SCREEN_WIDTH, h: DEMO_SCREEN_HEIGHT });
    expect(first.header.tiles.reduce((rows, tile) => rows + tile.h, 0)).toBe(DEMO_SCREEN_HEIGHT);
    const tile = first.header.tiles[0];
    expect(await sharp(Buffer.from(first.payload.subarray(0, tile.n))).metadata()).toMatchObject({ format: 'jpeg', width: tile.w, height: tile.h });
    session!.ack(0);
    // The clock is frozen: only the moving bar's band changes.
    const delta = await eventually(() => frames[1], 'a delta');
    expect(delta.header.k).toBe(false);
    expect(delta.header.tiles.length).toBeLessThan(first.header.tiles.length);
  });

  it('waits for acks: at most two frames in flight', async () => {
    const frames = start();
    await eventually(() => frames[1], 'two frames');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(frames).toHaveLength(2);
    session!.ack(1);
    await eventually(() => frames[2], 'the next frame after the ack');
  });

  it('draws input: the pointer moved to the task bar changes its band; a keyframe on request', async () => {
    const frames = start();
    await eventually(() => frames[0], 'the keyframe');
    session!.ack(0);
    const quiet = await eventually(() => frames[1], 'a delta');
    expect(quiet.header.tiles.map((t) => t.y)).not.toContain(512);
    session!.input([{ t: 'text', s: 'hello' }, { t: 'move', x: 10, y: 600 }]);
    session!.ack(1);
    const moved = await eventually(() => frames[2], 'the delta after the input');
    expect(moved.header.tiles.map((t) => t.y)).toContain(512);
    session!.requestKeyframe();
    session!.ack(2);
    const keyframe = await eventually(() => frames[3], 'the requested keyframe');
    expect(keyframe.header.k).toBe(true);
  });
});
