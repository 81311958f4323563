import { type DecodedFrame, FRAME_KIND, type ScreenFrameHeader, decodeFrame } from '@contracts/session.protocol';

/** One recorded screen frame at its time, in ms since the recording began. */
export interface RecordedFrame {
  readonly at: number;
  readonly frame: DecodedFrame<ScreenFrameHeader>;
}

const RECORD_PREFIX = 8;

/**
 * Reads one stored chunk: `[u32 BE ms offset from the chunk's start][u32 BE length][frame]…`. Each frame
 * gets its time from the recording's start (`chunkStartMs`); frames that are not screen frames are
 * skipped; a truncated or malformed record throws, naming where.
 */
export function parseRecordingChunk(bytes: Uint8Array, chunkStartMs: number): RecordedFrame[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: RecordedFrame[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + RECORD_PREFIX > bytes.length) throw new RangeError(`recording record at byte ${offset} is cut short`);
    const at = view.getUint32(offset);
    const length = view.getUint32(offset + 4);
    const start = offset + RECORD_PREFIX;
    if (start + length > bytes.length) throw new RangeError(`recording frame at byte ${offset} runs past the chunk`);
    const decoded = decodeFrame(bytes.subarray(start, start + length));
    if ('error' in decoded) throw new RangeError(`recording frame at byte ${offset}: ${decoded.error}`);
    if (decoded.kind === FRAME_KIND.SCREEN) frames.push({ at: chunkStartMs + at, frame: decoded as DecodedFrame<ScreenFrameHeader> });
    offset = start + length;
  }
  return frames;
}

/**
 * Which frames to draw to show the screen at `position`: from the last keyframe at or before it (a
 * keyframe carries the whole screen) to the last frame at or before it. Frames are in time order.
 */
export function framesToShow(frames: readonly RecordedFrame[], position: number): { from: number; to: number } {
  let to = -1;
  while (to + 1 < frames.length && frames[to + 1]!.at <= position) to += 1;
  let from = to;
  while (from > 0 && !frames[from]!.frame.header.k) from -= 1;
  return { from: Math.max(0, from), to };
}
