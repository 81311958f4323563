import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { encodeFrame, FRAME_KIND, SESSION_MAX_FRAME_BYTES, type ScreenFrameHeader, type ScreenTile } from '../../../application/contracts/session.protocol';
import type { RgbImage } from '../screen/png';

/** Side of the cells whose hashes tell what changed between two captures. */
export const TILE_SIZE = 64;
/**
 * The frame header (8 KB at most) lists the tiles: past this many runs of changed cells, each row's
 * changes are sent as one span from its first to its last changed cell, so the list stays short.
 */
export const MAX_TILES_PER_FRAME = 96;
/** A tile with this many colours or fewer is a PNG: flat areas and plain text stay exact and small. */
export const PNG_MAX_COLOURS = 16;
/** A frame above the size limit is encoded again at half the quality, down to this. */
const MIN_QUALITY = 10;

/** A rectangle of the screen, in pixels. */
interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface EncodedFrame {
  readonly header: ScreenFrameHeader;
  /** The whole binary frame (`encodeFrame`), ready for the agent link. */
  readonly bytes: Uint8Array;
}

/**
 * Turns captures into screen frames: the screen is cut into 64×64 cells, each hashed; cells whose hash
 * changed since the previous capture are sent, horizontally adjacent ones merged into one tile (one
 * image, one header entry). The first frame, a frame after a size change, and a frame after
 * `requestKeyframe()` carry every cell. An unchanged screen gives no frame at all (null): nothing
 * goes on the wire and the pacing waits for the next capture.
 */
export class ScreenEncoder {
  private hashes: string[] = [];
  private width = 0;
  private height = 0;
  private keyframeWanted = true;

  constructor(private readonly sessionId: string) {}

  /** The next frame carries every tile (a viewer joined, or missed frames). */
  requestKeyframe(): void {
    this.keyframeWanted = true;
  }

  /** The frame for this capture, or null when nothing changed. */
  async encode(image: RgbImage, seq: number, atMs: number, quality: number): Promise<EncodedFrame | null> {
    const keyframe = this.keyframeWanted || image.width !== this.width || image.height !== this.height;
    const cols = Math.ceil(image.width / TILE_SIZE);
    const rows = Math.ceil(image.height / TILE_SIZE);
    const hashes = new Array<string>(cols * rows);
    const changed = new Array<boolean>(cols * rows);
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) {
        const i = row * cols + col;
        hashes[i] = hashRect(image, cellRect(image, col, row));
        changed[i] = keyframe || hashes[i] !== this.hashes[i];
      }
    }
    const rects = changedRects(image, cols, rows, changed);
    let frame: EncodedFrame | null = null;
    if (rects.length > 0) frame = await this.frameOf(image, rects, { seq, atMs, keyframe, quality });
    // Remembered only once encoded: a capture that failed to encode is sent again in full next time.
    this.hashes = hashes;
    this.width = image.width;
    this.height = image.height;
    if (keyframe) this.keyframeWanted = false;
    return frame;
  }

  private async frameOf(image: RgbImage, rects: readonly Rect[], at: { seq: number; atMs: number; keyframe: boolean; quality: number }): Promise<EncodedFrame> {
    const formats = rects.map((rect) => (fewColours(image, rect) ? 'png' : 'jpeg') as ScreenTile['f']);
    for (let quality = Math.round(at.quality); ; quality = Math.floor(quality / 2)) {
      const images = await Promise.all(rects.map((rect, i) => encodeTile(image, rect, formats[i], quality)));
      const tiles: ScreenTile[] = rects.map((rect, i) => ({ ...rect, f: formats[i], n: images[i].length }));
      const header: ScreenFrameHeader = { s: this.sessionId, q: at.seq, t: at.atMs, w: image.width, h: image.height, k: at.keyframe, tiles };
      const bytes = encodeFrame(FRAME_KIND.SCREEN, header, Buffer.concat(images));
      if (bytes.length <= SESSION_MAX_FRAME_BYTES) return { header, bytes };
      if (quality <= MIN_QUALITY) throw new Error(`a ${image.width}x${image.height} frame does not fit in ${SESSION_MAX_FRAME_BYTES} bytes even at quality ${quality}`);
    }
  }
}

function cellRect(image: RgbImage, col: number, row: number): Rect {
  const x = col * TILE_SIZE;
  const y = row * TILE_SIZE;
  return { x, y, w: Math.min(TILE_SIZE, image.width - x), h: Math.min(TILE_SIZE, image.height - y) };
}

/** SHA-1 of a rectangle's rows, read in place (no copy); a change detector, not a security measure. */
function hashRect(image: RgbImage, rect: Rect): string {
  const hash = createHash('sha1');
  const stride = image.width * 3;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    const start = y * stride + rect.x * 3;
    hash.update(image.rgb.subarray(start, start + rect.w * 3));
  }
  return hash.digest('base64');
}

/** Runs of changed cells per row; too many runs become one span per row (see MAX_TILES_PER_FRAME). */
function changedRects(image: RgbImage, cols: number, rows: number, changed: readonly boolean[]): Rect[] {
  const runs: Rect[] = [];
  const spans: Rect[] = [];
  for (let row = 0; row < rows; row++) {
    let runStart = -1;
    let first = -1;
    let last = -1;
    for (let col = 0; col <= cols; col++) {
      const on = col < cols && changed[row * cols + col];
      if (on && runStart < 0) runStart = col;
      if (on && first < 0) first = col;
      if (on) last = col;
      if (!on && runStart >= 0) {
        runs.push(span(image, row, runStart, col - 1));
        runStart = -1;
      }
    }
    if (first >= 0) spans.push(span(image, row, first, last));
  }
  return runs.length > MAX_TILES_PER_FRAME ? spans : runs;
}

/** The rectangle of cells `first`..`last` (inclusive) of one row. */
function span(image: RgbImage, row: number, first: number, last: number): Rect {
  const left = cellRect(image, first, row);
  const right = cellRect(image, last, row);
  return { x: left.x, y: left.y, w: right.x + right.w - left.x, h: left.h };
}

function fewColours(image: RgbImage, rect: Rect): boolean {
  const seen = new Set<number>();
  const stride = image.width * 3;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    for (let at = y * stride + rect.x * 3, end = at + rect.w * 3; at < end; at += 3) {
      seen.add((image.rgb[at] << 16) | (image.rgb[at + 1] << 8) | image.rgb[at + 2]);
      if (seen.size > PNG_MAX_COLOURS) return false;
    }
  }
  return true;
}

function encodeTile(image: RgbImage, rect: Rect, format: ScreenTile['f'], quality: number): Promise<Buffer> {
  const pixels = Buffer.allocUnsafe(rect.w * rect.h * 3);
  const stride = image.width * 3;
  for (let y = 0; y < rect.h; y++) {
    const start = (rect.y + y) * stride + rect.x * 3;
    image.rgb.copy(pixels, y * rect.w * 3, start, start + rect.w * 3);
  }
  const tile = sharp(pixels, { raw: { width: rect.w, height: rect.h, channels: 3 } });
  // A palette PNG of a tile with few colours is exact (the palette holds them all) and a fraction of a truecolour one.
  return (format === 'png' ? tile.png({ palette: true, colours: PNG_MAX_COLOURS, dither: 0, compressionLevel: 6 }) : tile.jpeg({ quality, mozjpeg: false })).toBuffer();
}
