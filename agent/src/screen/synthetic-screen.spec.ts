import sharp from 'sharp';
import { encodePng, fitWithin } from './png';
import { renderSyntheticScreen, SYNTHETIC_BACKGROUND, SYNTHETIC_HEIGHT, SYNTHETIC_WIDTH, SyntheticScreen } from './synthetic-screen';
import { decodeXwd } from './xwd';

/** Decodes a PNG with an independent decoder (libvips through sharp). */
async function decode(png: Buffer): Promise<{ width: number; height: number; rgb: Buffer }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgb: data };
}

const pixel = (img: { width: number; rgb: Buffer }, x: number, y: number) => [...img.rgb.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];

describe('encodePng', () => {
  it('writes a PNG another decoder reads back pixel for pixel', async () => {
    const width = 7;
    const height = 5;
    const rgb = Buffer.alloc(width * height * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37) & 0xff;
    const png = encodePng({ width, height, rgb });
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const back = await decode(png);
    expect(back).toEqual({ width, height, rgb });
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng({ width: 2, height: 2, rgb: Buffer.alloc(5) })).toThrow(/needs 12 bytes/);
  });
});

describe('fitWithin', () => {
  it('averages blocks down to the largest size that fits', () => {
    const rgb = Buffer.from([0, 0, 0, 200, 100, 40, 100, 50, 20, 100, 50, 20]);
    const small = fitWithin({ width: 2, height: 2, rgb }, 1, 1);
    expect(small).toEqual({ width: 1, height: 1, rgb: Buffer.from([100, 50, 20]) });
    const same = { width: 2, height: 2, rgb };
    expect(fitWithin(same, 10, 10)).toBe(same);
  });
});

describe('synthetic screen', () => {
  it('is a PNG of the background with bars that follow the clock', async () => {
    const at = new Date('2025-06-01T12:30:59.000Z');
    const shot = await new SyntheticScreen(() => at).capture();
    expect(shot).toMatchObject({ contentType: 'image/png', width: SYNTHETIC_WIDTH, height: SYNTHETIC_HEIGHT });
    const img = await decode(shot.data);
    expect(img.width).toBe(SYNTHETIC_WIDTH);
    expect(pixel(img, 2, 2)).toEqual([...SYNTHETIC_BACKGROUND]);
    // Seconds = 59: the first bar runs the whole width between the margins.
    expect(pixel(img, SYNTHETIC_WIDTH - 21, 30)).not.toEqual([...SYNTHETIC_BACKGROUND]);
    const later = renderSyntheticScreen(new Date('2025-06-01T12:30:10.000Z'));
    expect(pixel(later, SYNTHETIC_WIDTH - 21, 30)).toEqual([...SYNTHETIC_BACKGROUND]);
    expect(shot.data.length).toBeLessThan(10_000);
  });
});

/** A hand-built X Window Dump: version 7, Z pixmap, TrueColor, 32 bits a pixel in the given byte order. */
function xwdDump(width: number, height: number, pixels: number[], lsbFirst: boolean): Buffer {
  const name = Buffer.from('root\0');
  const headerSize = 100 + name.length;
  const header = Buffer.alloc(headerSize);
  const fields = [headerSize, 7, 2, 24, width, height, 0, lsbFirst ? 0 : 1, 32, lsbFirst ? 0 : 1, 32, 32, width * 4, 4, 0xff0000, 0x00ff00, 0x0000ff, 8, 256, 0, width, height, 0, 0, 0];
  fields.forEach((v, i) => header.writeUInt32BE(v, i * 4));
  name.copy(header, 100);
  const data = Buffer.alloc(width * height * 4);
  pixels.forEach((p, i) => (lsbFirst ? data.writeUInt32LE(p, i * 4) : data.writeUInt32BE(p, i * 4)));
  return Buffer.concat([header, data]);
}

describe('decodeXwd', () => {
  it.each([true, false])('reads a TrueColor dump (LSB first: %s)', (lsb) => {
    const img = decodeXwd(xwdDump(2, 1, [0xff0000, 0x0080ff], lsb));
    expect(img).toEqual({ width: 2, height: 1, rgb: Buffer.from([255, 0, 0, 0, 128, 255]) });
  });

  it('reads an 8-bit dump through its colormap', () => {
    const name = Buffer.from('x\0');
    const headerSize = 100 + name.length;
    const header = Buffer.alloc(headerSize);
    const fields = [headerSize, 7, 2, 8, 2, 1, 0, 1, 8, 1, 8, 8, 2, 3, 0, 0, 0, 8, 2, 2, 2, 1, 0, 0, 0];
    fields.forEach((v, i) => header.writeUInt32BE(v, i * 4));
    const colours = Buffer.alloc(24);
    colours.writeUInt32BE(0, 0);
    colours.writeUInt16BE(0xffff, 4);
    colours.writeUInt32BE(1, 12);
    colours.writeUInt16BE(0xffff, 20);
    const img = decodeXwd(Buffer.concat([header, colours, Buffer.from([1, 0])]));
    expect([...img.rgb]).toEqual([0, 0, 255, 255, 0, 0]);
  });

  it('refuses what is not a dump it can read', () => {
    expect(() => decodeXwd(Buffer.alloc(10))).toThrow(/shorter than its header/);
    const cut = xwdDump(2, 2, [1, 2, 3, 4], true);
    expect(() => decodeXwd(cut.subarray(0, cut.length - 1))).toThrow(/cut short/);
  });
});
