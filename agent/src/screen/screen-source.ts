import type { RgbImage } from './png';

/** One screenshot, ready to upload. */
export interface Screenshot {
  readonly contentType: 'image/png' | 'image/jpeg';
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

/** Where screenshots come from on this computer: a real display, or a synthetic screen where there is none. */
export interface ScreenSource {
  /** For the log: "x11 :0", "synthetic". */
  readonly description: string;
  capture(): Promise<Screenshot>;
  /** The whole screen at full size, unencoded: what a live session cuts into tiles. */
  captureRaw(): Promise<RgbImage>;
}

/** Largest screenshot the agent sends: the console shows it as a thumbnail. */
export const SCREENSHOT_MAX_WIDTH = 1280;
export const SCREENSHOT_MAX_HEIGHT = 800;
