import { deflateSync } from 'node:zlib';

/** An 8-bit RGB image, rows top to bottom, 3 bytes a pixel. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(parts: readonly Buffer[]): number {
  let c = 0xffffffff;
  for (const part of parts) for (let i = 0; i < part.length; i++) c = CRC_TABLE[(c ^ part[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32([head.subarray(4), data]), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG of an RGB image: one IDAT, every row with the "up" filter (cheap, and screens are mostly
 * flat areas that it turns into zeros), deflated by node:zlib. No dependency, no native code.
 */
export function encodePng(image: RgbImage): Buffer {
  const { width, height, rgb } = image;
  if (width < 1 || height < 1 || rgb.length !== width * height * 3) throw new Error(`encodePng: ${width}x${height} needs ${width * height * 3} bytes, got ${rgb.length}`);
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1);
    const row = y * stride;
    if (y === 0) {
      raw[out] = 0;
      rgb.copy(raw, out + 1, 0, stride);
      continue;
    }
    raw[out] = 2;
    for (let i = 0; i < stride; i++) raw[out + 1 + i] = (rgb[row + i] - rgb[row - stride + i]) & 0xff;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // RGB
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // not interlaced
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 6 })), chunk('IEND', Buffer.alloc(0))]);
}

/** The image shrunk by whole-pixel averaging so that it fits in maxWidth × maxHeight (a thumbnail, not a session frame). */
export function fitWithin(image: RgbImage, maxWidth: number, maxHeight: number): RgbImage {
  const factor = Math.max(1, Math.ceil(Math.max(image.width / maxWidth, image.height / maxHeight)));
  if (factor === 1) return image;
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const rgb = Buffer.alloc(width * height * 3);
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < factor; dy++) {
        let at = ((y * factor + dy) * image.width + x * factor) * 3;
        for (let dx = 0; dx < factor; dx++, at += 3) {
          r += image.rgb[at];
          g += image.rgb[at + 1];
          b += image.rgb[at + 2];
        }
      }
      const out = (y * width + x) * 3;
      rgb[out] = Math.round(r / area);
      rgb[out + 1] = Math.round(g / area);
      rgb[out + 2] = Math.round(b / area);
    }
  }
  return { width, height, rgb };
}
