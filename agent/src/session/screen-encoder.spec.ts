import sharp from 'sharp';
import { decodeFrame, FRAME_KIND, SESSION_MAX_FRAME_BYTES, type DecodedFrame, type ScreenFrameHeader } from '../../../application/contracts/session.protocol';
import type { RgbImage } from '../screen/png';
import { renderSyntheticScreen } from '../screen/synthetic-screen';
import { MAX_TILES_PER_FRAME, ScreenEncoder, TILE_SIZE, type EncodedFrame } from './screen-encoder';

const SESSION = 'sess-0123456789abcdef';

/** A screen of the given size with gradients (JPEG material) or one flat colour. */
function screen(width: number, height: number, fill: 'noise' | [number, number, number] = 'noise'): RgbImage {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      if (fill === 'noise') {
        rgb[at] = x & 0xff;
        rgb[at + 1] = (y * 2) & 0xff;
        rgb[at + 2] = ((x + y) * 3) & 0xff;
      } else {
        rgb.set(fill, at);
      }
    }
  }
  return { width, height, rgb };
}

const copy = (image: RgbImage): RgbImage => ({ ...image, rgb: Buffer.from(image.rgb) });

function setPixel(image: RgbImage, x: number, y: number, colour: [number, number, number]): void {
  image.rgb.set(colour, (y * image.width + x) * 3);
}

function decoded(frame: EncodedFrame | null): DecodedFrame<ScreenFrameHeader> {
  if (frame === null) throw new Error('expected a frame');
  const result = decodeFrame(frame.bytes);
  if ('error' in result) throw new Error(result.error);
  expect(result.kind).toBe(FRAME_KIND.SCREEN);
  return result as DecodedFrame<ScreenFrameHeader>;
}

/** Each tile's image, decoded by libvips, with its place on the screen. */
async function tileImages(frame: DecodedFrame<ScreenFrameHeader>): Promise<{ x: number; y: number; f: string; width: number; height: number; rgb: Buffer }[]> {
  const out = [];
  let offset = 0;
  for (const tile of frame.header.tiles) {
    const bytes = frame.payload.subarray(offset, offset + tile.n);
    offset += tile.n;
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect((await sharp(bytes).metadata()).format).toBe(tile.f);
    out.push({ x: tile.x, y: tile.y, f: tile.f, width: info.width, height: info.height, rgb: data });
  }
  return out;
}

/** Every pixel covered exactly once. */
function coverage(header: ScreenFrameHeader): number[] {
  const hits = new Array<number>(header.w * header.h).fill(0);
  for (const t of header.tiles) for (let y = t.y; y < t.y + t.h; y++) for (let x = t.x; x < t.x + t.w; x++) hits[y * header.w + x]++;
  return [...new Set(hits)];
}

describe('ScreenEncoder', () => {
  it('starts with a keyframe whose tiles cover the whole screen once, and that decodes back to the screen', async () => {
    const encoder = new ScreenEncoder(SESSION);
    const image = screen(200, 130);
    const frame = decoded(await encoder.encode(image, 0, 1_700_000_000_000, 90));
    expect(frame.header).toMatchObject({ s: SESSION, q: 0, t: 1_700_000_000_000, w: 200, h: 130, k: true });
    expect(coverage(frame.header)).toEqual([1]);
    for (const tile of await tileImages(frame)) {
      expect(tile.f).toBe('jpeg');
      // JPEG at quality 90: close to the original, not exact.
      let error = 0;
      for (let y = 0; y < tile.height; y++) {
        for (let x = 0; x < tile.width; x++) {
          for (let c = 0; c < 3; c++) error += Math.abs(tile.rgb[(y * tile.width + x) * 3 + c] - image.rgb[((tile.y + y) * 200 + tile.x + x) * 3 + c]);
        }
      }
      expect(error / (tile.width * tile.height * 3)).toBeLessThan(4);
    }
  });

  it('sends nothing when the screen did not change', async () => {
    const encoder = new ScreenEncoder(SESSION);
    const image = screen(128, 128);
    expect(await encoder.encode(image, 0, 1, 70)).not.toBeNull();
    expect(await encoder.encode(copy(image), 1, 2, 70)).toBeNull();
  });

  it('sends exactly the one tile that holds a changed pixel', async () => {
    const encoder = new ScreenEncoder(SESSION);
    const image = screen(320, 200);
    await encoder.encode(image, 0, 1, 70);
    const next = copy(image);
    setPixel(next, 130, 70, [255, 255, 255]);
    const frame = decoded(await encoder.encode(next, 1, 2, 70));
    expect(frame.header.k).toBe(false);
    expect(frame.header.tiles).toEqual([{ x: 128, y: 64, w: TILE_SIZE, h: TILE_SIZE, f: 'jpeg', n: frame.payload.length }]);
    const [tile] = await tileImages(frame);
    expect([tile.width, tile.height]).toEqual([64, 64]);
  });

  it('cuts the edge tiles to the screen and merges neighbouring changed cells into one tile', async () => {
    const encoder = new ScreenEncoder(SESSION);
    const image = screen(320, 200);
    await encoder.encode(image, 0, 1, 70);
    const next = copy(image);
    setPixel(next, 319, 199, [0, 0, 0]);
    setPixel(next, 0, 0, [1, 2, 3]);
    setPixel(next, 64, 0, [1, 2, 3]);
    const frame = decoded(await encoder.encode(next, 1, 2, 70));
    expect(frame.header.tiles.map(({ x, y, w, h }) => ({ x, y, w, h }))).toEqual([
      { x: 0, y: 0, w: 128, h: 64 },
      { x: 256, y: 192, w: 64, h: 8 },
    ]);
    expect((await tileImages(frame)).map((t) => [t.width, t.height])).toEqual([
      [128, 64],
      [64, 8],
    ]);
  });

  it('sends every tile again after requestKeyframe() and after a change of screen size', async () => {
    const encoder = new ScreenEncoder(SESSION);
    const image = screen(256, 128);
    await encoder.encode(image, 0, 1, 70);
    encoder.requestKeyframe();
    const again = decoded(await encoder.encode(copy(image), 1, 2, 70));
    expect(again.header.k).toBe(true);
    expect(coverage(again.header)).toEqual([1]);
    expect(await encoder.encode(copy(image), 2, 3, 70)).toBeNull();
    const bigger = decoded(await encoder.encode(screen(300, 150), 3, 4, 70));
    expect(bigger.header).toMatchObject({ k: true, w: 300, h: 150 });
    expect(coverage(bigger.header)).toEqual([1]);
  });

  it('sends flat areas as exact PNGs', async () => {
    const encoder = new ScreenEncoder(SESSION);
    const image = screen(128, 64, [0x1e, 0x3a, 0x5f]);
    setPixel(image, 70, 10, [255, 255, 0]);
    const frame = decoded(await encoder.encode(image, 0, 1, 30));
    const [tile] = await tileImages(frame);
    expect(tile.f).toBe('png');
    expect(tile.rgb.equals(image.rgb)).toBe(true);
  });

  it('keeps the tile list short when changes are scattered: one span per row', async () => {
    const encoder = new ScreenEncoder(SESSION);
    const image = screen(64 * 40, 64 * 6, [0, 0, 0]);
    await encoder.encode(image, 0, 1, 70);
    const next = copy(image);
    // Every other cell changes: 20 runs a row, 120 in all, more than the header may list.
    for (let row = 0; row < 6; row++) for (let col = 0; col < 40; col += 2) setPixel(next, col * 64 + 5, row * 64 + 5, [255, 255, 255]);
    const frame = decoded(await encoder.encode(next, 1, 2, 70));
    expect(20 * 6).toBeGreaterThan(MAX_TILES_PER_FRAME);
    expect(frame.header.tiles.map(({ x, y, w, h }) => ({ x, y, w, h }))).toEqual(Array.from({ length: 6 }, (_, row) => ({ x: 0, y: row * 64, w: 38 * 64 + 64, h: 64 })));
  });

  it('follows the quality it is given: lower quality, fewer bytes', async () => {
    const image = screen(256, 256);
    const high = await new ScreenEncoder(SESSION).encode(image, 0, 1, 95);
    const low = await new ScreenEncoder(SESSION).encode(image, 0, 1, 20);
    expect(low!.bytes.length).toBeLessThan(high!.bytes.length / 2);
  });

  it('lowers the quality of a frame that would not fit in a binary message', async () => {
    // Noise at quality 100 is about 1.4 bytes a pixel: some 2.7 MB here, above the limit.
    const image = { width: 1600, height: 1200, rgb: Buffer.alloc(1600 * 1200 * 3) };
    let seed = 12345;
    for (let i = 0; i < image.rgb.length; i++) image.rgb[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const frame = decoded(await new ScreenEncoder(SESSION).encode(image, 0, 1, 100));
    expect(frame.payload.length).toBeLessThanOrEqual(SESSION_MAX_FRAME_BYTES);
    expect(frame.payload.length).toBeGreaterThan(SESSION_MAX_FRAME_BYTES / 8);
  });

  it('encodes the synthetic screen, and only its moving bar on the next capture', async () => {
    const encoder = new ScreenEncoder(SESSION);
    await encoder.encode(renderSyntheticScreen(new Date('2025-06-01T12:30:10.000Z')), 0, 1, 70);
    const frame = decoded(await encoder.encode(renderSyntheticScreen(new Date('2025-06-01T12:30:10.500Z')), 1, 2, 70));
    // Only the fourth bar follows the milliseconds: rows of cells it crosses, nothing above.
    expect(frame.header.tiles.length).toBeGreaterThan(0);
    expect(Math.min(...frame.header.tiles.map((t) => t.y))).toBeGreaterThanOrEqual(128);
  });
});
