import { encodePng, type RgbImage } from './png';
import type { ScreenSource, Screenshot } from './screen-source';

export const SYNTHETIC_WIDTH = 320;
export const SYNTHETIC_HEIGHT = 200;

/** Background and bar colours of the synthetic screen. */
export const SYNTHETIC_BACKGROUND = [0x1e, 0x3a, 0x5f] as const;
const BARS = [
  [0xe6, 0x39, 0x46],
  [0xf4, 0xa2, 0x61],
  [0x2a, 0x9d, 0x8f],
  [0xe9, 0xc4, 0x6a],
] as const;

/**
 * The screen of a computer without a display: a dark background with coloured bars whose
 * lengths follow the clock (seconds, minutes, hours), so that successive screenshots differ.
 */
export function renderSyntheticScreen(at: Date): RgbImage {
  const width = SYNTHETIC_WIDTH;
  const height = SYNTHETIC_HEIGHT;
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    rgb[i * 3] = SYNTHETIC_BACKGROUND[0];
    rgb[i * 3 + 1] = SYNTHETIC_BACKGROUND[1];
    rgb[i * 3 + 2] = SYNTHETIC_BACKGROUND[2];
  }
  const fractions = [at.getUTCSeconds() / 59, at.getUTCMinutes() / 59, at.getUTCHours() / 23, (at.getUTCMilliseconds() % 1000) / 999];
  const barHeight = 24;
  const margin = 20;
  fractions.forEach((fraction, index) => {
    const length = Math.max(4, Math.round(fraction * (width - 2 * margin)));
    const top = margin + index * (barHeight + 16);
    const colour = BARS[index];
    for (let y = top; y < top + barHeight; y++) {
      for (let x = margin; x < margin + length; x++) {
        const at3 = (y * width + x) * 3;
        rgb[at3] = colour[0];
        rgb[at3 + 1] = colour[1];
        rgb[at3 + 2] = colour[2];
      }
    }
  });
  return { width, height, rgb };
}

export class SyntheticScreen implements ScreenSource {
  readonly description = 'synthetic';
  constructor(private readonly now: () => Date = () => new Date()) {}

  async capture(): Promise<Screenshot> {
    const image = renderSyntheticScreen(this.now());
    return { contentType: 'image/png', data: encodePng(image), width: image.width, height: image.height };
  }

  async captureRaw(): Promise<RgbImage> {
    return renderSyntheticScreen(this.now());
  }
}
