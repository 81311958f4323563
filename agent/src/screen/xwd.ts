import type { RgbImage } from './png';

/** Visual classes of X11 (X.h). */
const STATIC_GRAY = 0;
const GRAY_SCALE = 1;
const STATIC_COLOR = 2;
const PSEUDO_COLOR = 3;
const Z_PIXMAP = 2;
const HEADER_FIELDS = 25;
const COLOR_ENTRY_BYTES = 12;

/** Where a colour mask's bits are and how to scale them to 8 bits. */
function channel(mask: number): (pixel: number) => number {
  if (mask === 0) return () => 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return (pixel) => Math.round((((pixel & mask) >>> shift) * 255) / max);
}

/**
 * Decodes what `xwd -root -silent` writes (X Window Dump, version 7, Z pixmap): the header is
 * big-endian, the pixels in the dumped image's own byte order. TrueColor/DirectColor through the
 * colour masks; 8-bit and smaller visuals through the colormap that follows the header.
 */
export function decodeXwd(data: Buffer): RgbImage {
  if (data.length < HEADER_FIELDS * 4) throw new Error('xwd: the dump is shorter than its header');
  const field = (i: number) => data.readUInt32BE(i * 4);
  const headerSize = field(0);
  if (field(1) !== 7) throw new Error(`xwd: file version ${field(1)}, expected 7`);
  if (field(2) !== Z_PIXMAP) throw new Error('xwd: only Z pixmaps are supported');
  const width = field(4);
  const height = field(5);
  const byteOrder = field(7); // 0 LSBFirst, 1 MSBFirst
  const bitsPerPixel = field(11);
  const bytesPerLine = field(12);
  const visualClass = field(13);
  const [redMask, greenMask, blueMask] = [field(14), field(15), field(16)];
  const colors = field(19);
  const pixelsAt = headerSize + colors * COLOR_ENTRY_BYTES;
  if (width < 1 || height < 1 || width > 32_768 || height > 32_768) throw new Error(`xwd: implausible size ${width}x${height}`);
  if (![8, 16, 24, 32].includes(bitsPerPixel)) throw new Error(`xwd: ${bitsPerPixel} bits per pixel are not supported`);
  if (data.length < pixelsAt + bytesPerLine * height) throw new Error('xwd: the dump is cut short');

  const palette = new Map<number, [number, number, number]>();
  for (let i = 0; i < colors; i++) {
    const at = headerSize + i * COLOR_ENTRY_BYTES;
    palette.set(data.readUInt32BE(at), [data.readUInt16BE(at + 4) >> 8, data.readUInt16BE(at + 6) >> 8, data.readUInt16BE(at + 8) >> 8]);
  }
  const indexed = [STATIC_GRAY, GRAY_SCALE, STATIC_COLOR, PSEUDO_COLOR].includes(visualClass);
  const red = channel(redMask);
  const green = channel(greenMask);
  const blue = channel(blueMask);
  const bytes = bitsPerPixel / 8;
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelsAt + y * bytesPerLine;
    for (let x = 0; x < width; x++) {
      const at = row + x * bytes;
      let pixel = 0;
      for (let b = 0; b < bytes; b++) {
        const byte = data[byteOrder === 1 ? at + b : at + bytes - 1 - b];
        pixel = pixel * 256 + byte;
      }
      const out = (y * width + x) * 3;
      if (indexed) {
        const [r, g, bl] = palette.get(pixel) ?? [0, 0, 0];
        rgb[out] = r;
        rgb[out + 1] = g;
        rgb[out + 2] = bl;
      } else {
        rgb[out] = red(pixel);
        rgb[out + 1] = green(pixel);
        rgb[out + 2] = blue(pixel);
      }
    }
  }
  return { width, height, rgb };
}
