import { type DecodedFrame, FRAME_KIND, type ScreenFrameHeader, type ScreenTile, decodeFrame, encodeFrame } from '@contracts/session.protocol';

import type { ScreenSurface, TileImage } from '../app/sessions/viewer/screen-painter';

export const SESSION_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** A screen frame's bytes, built with the contracts' own envelope as the agent sends them (`screenFrame`: read back, as the viewer decodes them). */
export function screenFrameBytes(q: number, tiles: { tile: Omit<ScreenTile, 'n'>; bytes: number[] }[], options: { k?: boolean; w?: number; h?: number } = {}): Uint8Array {
  const payload = Uint8Array.from(tiles.flatMap((t) => t.bytes));
  const header: ScreenFrameHeader = {
    s: SESSION_ID,
    q,
    t: 1_700_000_000_000 + q,
    w: options.w ?? 128,
    h: options.h ?? 64,
    k: options.k ?? false,
    tiles: tiles.map((t) => ({ ...t.tile, n: t.bytes.length })),
  };
  return encodeFrame(FRAME_KIND.SCREEN, header, payload);
}

export function screenFrame(...args: Parameters<typeof screenFrameBytes>): DecodedFrame<ScreenFrameHeader> {
  const decoded = decodeFrame(screenFrameBytes(...args));
  if ('error' in decoded) throw new Error(decoded.error);
  return decoded as DecodedFrame<ScreenFrameHeader>;
}

/** A canvas double: the size the painter sets, and every drawImage call with the image it drew. */
export class CanvasDouble implements ScreenSurface {
  width = 300;
  height = 150;
  readonly draws: { image: string; x: number; y: number; w: number; h: number }[] = [];
  getContext(): Pick<CanvasRenderingContext2D, 'drawImage'> {
    return {
      drawImage: ((image: { label: string }, x: number, y: number, w: number, h: number) => {
        this.draws.push({ image: image.label, x, y, w, h });
      }) as unknown as CanvasRenderingContext2D['drawImage'],
    };
  }
}

/** A decoder double: the "image" names its MIME type and bytes; bytes starting with 0xff fail to decode. */
export const labelDecoder = jest.fn(async (bytes: Uint8Array, type: string): Promise<TileImage> => {
  if (bytes[0] === 0xff) throw new Error('corrupt image');
  return { label: `${type}:${Array.from(bytes).join(',')}`, close: jest.fn() } as unknown as TileImage;
});
