import { InjectionToken } from '@angular/core';
import type { DecodedFrame, ScreenFrameHeader } from '@contracts/session.protocol';

/** The part of a canvas the painter uses, so tests can hand in a double. */
export interface ScreenSurface {
  width: number;
  height: number;
  getContext(contextId: '2d'): Pick<CanvasRenderingContext2D, 'drawImage'> | null;
}

/** A decoded tile image; bitmaps are closed once drawn, to give their memory back at once. */
export type TileImage = CanvasImageSource & { close?(): void };
export type TileDecoder = (bytes: Uint8Array, type: string) => Promise<TileImage>;

/** The browser's decoder: off the main thread, no <img> element or object URL per tile. */
export const browserTileDecoder: TileDecoder = (bytes, type) => createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));

/** Which decoder the viewer and the player use; tests hand in one that needs no image codecs. */
export const TILE_DECODER = new InjectionToken<TileDecoder>('TILE_DECODER', { providedIn: 'root', factory: () => browserTileDecoder });

const MIME = { jpeg: 'image/jpeg', png: 'image/png' } as const;

export interface PaintResult {
  /** Every tile was decoded and drawn. */
  readonly drawn: boolean;
  /**
   * What is on the canvas is not the whole screen: the screen size changed under a delta frame (resizing
   * clears the canvas), or a tile would not decode. The viewer asks the agent for a keyframe.
   */
  readonly needsKeyframe: boolean;
}

/**
 * Draws screen frames (changed tiles, JPEG or PNG) on a canvas, one frame after the other in arrival
 * order: a frame's tiles are decoded together, then drawn together, so a frame never shows half done.
 */
export class ScreenPainter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly surface: ScreenSurface,
    private readonly decode: TileDecoder = browserTileDecoder,
  ) {}

  /** Queues the frame behind those already arriving; resolves once it is on the canvas. */
  paint(frame: DecodedFrame<ScreenFrameHeader>): Promise<PaintResult> {
    const done = this.queue.then(() => this.draw(frame));
    this.queue = done.catch(() => undefined);
    return done;
  }

  private async draw({ header, payload }: DecodedFrame<ScreenFrameHeader>): Promise<PaintResult> {
    let needsKeyframe = false;
    if (this.surface.width !== header.w || this.surface.height !== header.h) {
      this.surface.width = header.w;
      this.surface.height = header.h;
      needsKeyframe = !header.k;
    }
    const context = this.surface.getContext('2d');
    if (!context) return { drawn: false, needsKeyframe: true };
    let offset = 0;
    const pending = header.tiles.map((tile) => {
      const bytes = payload.subarray(offset, offset + tile.n);
      offset += tile.n;
      return this.decode(bytes, MIME[tile.f]);
    });
    const settled = await Promise.allSettled(pending);
    let drawn = true;
    settled.forEach((result, i) => {
      const tile = header.tiles[i]!;
      if (result.status === 'rejected') {
        drawn = false;
        return;
      }
      context.drawImage(result.value, tile.x, tile.y, tile.w, tile.h);
      result.value.close?.();
    });
    return { drawn, needsKeyframe: needsKeyframe || !drawn };
  }
}
