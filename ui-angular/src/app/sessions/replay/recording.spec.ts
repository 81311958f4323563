import { FRAME_KIND, encodeFrame } from '@contracts/session.protocol';

import { framesToShow, parseRecordingChunk } from './recording';

const SESSION = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

function screen(q: number, keyframe: boolean): Uint8Array {
  return encodeFrame(FRAME_KIND.SCREEN, { s: SESSION, q, t: q, w: 64, h: 64, k: keyframe, tiles: [{ x: 0, y: 0, w: 64, h: 64, f: 'png', n: 2 }] }, Uint8Array.of(q, q));
}

/** A stored chunk: `[u32 BE ms offset][u32 BE length][frame]…`. */
function chunk(records: [number, Uint8Array][]): Uint8Array {
  const parts = records.flatMap(([offset, frame]) => {
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setUint32(0, offset);
    new DataView(prefix.buffer).setUint32(4, frame.length);
    return [prefix, frame];
  });
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('recording chunks', () => {
  it('reads each frame with its time from the recording’s start', () => {
    const bytes = chunk([
      [0, screen(0, true)],
      [250, screen(1, false)],
      [70_000, screen(2, false)],
    ]);
    const frames = parseRecordingChunk(bytes, 10_000);
    expect(frames.map((f) => [f.at, f.frame.header.q, f.frame.header.k, Array.from(f.frame.payload)])).toEqual([
      [10_000, 0, true, [0, 0]],
      [10_250, 1, false, [1, 1]],
      [80_000, 2, false, [2, 2]],
    ]);
  });

  it('reads a chunk that is a view into a larger buffer', () => {
    const bytes = chunk([[5, screen(3, true)]]);
    const padded = new Uint8Array(bytes.length + 10);
    padded.set(bytes, 7);
    expect(parseRecordingChunk(padded.subarray(7, 7 + bytes.length), 0).map((f) => f.at)).toEqual([5]);
  });

  it('refuses a cut record or a malformed frame, saying where', () => {
    const whole = chunk([
      [0, screen(0, true)],
      [10, screen(1, false)],
    ]);
    expect(() => parseRecordingChunk(whole.subarray(0, whole.length - 1), 0)).toThrow(/runs past the chunk/);
    expect(() => parseRecordingChunk(whole.subarray(0, 4), 0)).toThrow(/byte 0 is cut short/);
    const bad = chunk([[0, Uint8Array.of(9, 0, 1, 0x7b)]]);
    expect(() => parseRecordingChunk(bad, 0)).toThrow(/unknown frame kind 9/);
  });

  it('shows a moment from the last keyframe before it', () => {
    const frames = parseRecordingChunk(
      chunk([
        [0, screen(0, true)],
        [100, screen(1, false)],
        [200, screen(2, true)],
        [300, screen(3, false)],
        [400, screen(4, false)],
      ]),
      0,
    );
    expect(framesToShow(frames, 350)).toEqual({ from: 2, to: 3 });
    expect(framesToShow(frames, 150)).toEqual({ from: 0, to: 1 });
    expect(framesToShow(frames, 200)).toEqual({ from: 2, to: 2 });
    expect(framesToShow(frames, 10_000)).toEqual({ from: 2, to: 4 });
    expect(framesToShow([], 10)).toEqual({ from: 0, to: -1 });
  });
});
