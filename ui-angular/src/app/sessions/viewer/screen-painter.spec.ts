import { CanvasDouble, labelDecoder, screenFrame } from '../../../testing/screen-frames';
import { ScreenPainter, type TileImage } from './screen-painter';

describe('ScreenPainter', () => {
  beforeEach(() => labelDecoder.mockClear());

  it('sizes the canvas to the screen and draws each tile, cut from the payload by its length, at its place', async () => {
    const canvas = new CanvasDouble();
    const painter = new ScreenPainter(canvas, labelDecoder);
    const frame = screenFrame(
      0,
      [
        { tile: { x: 0, y: 0, w: 64, h: 64, f: 'jpeg' }, bytes: [1, 2, 3] },
        { tile: { x: 64, y: 0, w: 64, h: 64, f: 'png' }, bytes: [4, 5] },
      ],
      { k: true },
    );

    await expect(painter.paint(frame)).resolves.toEqual({ drawn: true, needsKeyframe: false });

    expect([canvas.width, canvas.height]).toEqual([128, 64]);
    expect(canvas.draws).toEqual([
      { image: 'image/jpeg:1,2,3', x: 0, y: 0, w: 64, h: 64 },
      { image: 'image/png:4,5', x: 64, y: 0, w: 64, h: 64 },
    ]);
    // Bitmaps are given back once drawn.
    const images = await Promise.all(labelDecoder.mock.results.map((result) => result.value as Promise<{ close: jest.Mock }>));
    expect(images.every((image) => image.close.mock.calls.length === 1)).toBe(true);
  });

  it('draws tiles of any size where they are: merged cells of a row, and cut edge tiles', async () => {
    const canvas = new CanvasDouble();
    const painter = new ScreenPainter(canvas, labelDecoder);
    const frame = screenFrame(
      0,
      [
        { tile: { x: 0, y: 0, w: 320, h: 64, f: 'jpeg' }, bytes: [1] },
        { tile: { x: 960, y: 576, w: 40, h: 24, f: 'png' }, bytes: [2] },
      ],
      { k: true, w: 1000, h: 600 },
    );

    await expect(painter.paint(frame)).resolves.toEqual({ drawn: true, needsKeyframe: false });

    expect(canvas.draws).toEqual([
      { image: 'image/jpeg:1', x: 0, y: 0, w: 320, h: 64 },
      { image: 'image/png:2', x: 960, y: 576, w: 40, h: 24 },
    ]);
  });

  it('draws frames in arrival order even when a later one decodes first', async () => {
    const canvas = new CanvasDouble();
    let releaseFirst: () => void = () => undefined;
    const slowFirst = jest.fn(async (bytes: Uint8Array, type: string): Promise<TileImage> => {
      if (bytes[0] === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
      return { label: `${type}:${bytes[0]}` } as unknown as TileImage;
    });
    const painter = new ScreenPainter(canvas, slowFirst);
    const first = painter.paint(screenFrame(0, [{ tile: { x: 0, y: 0, w: 64, h: 64, f: 'jpeg' }, bytes: [1] }], { k: true }));
    const second = painter.paint(screenFrame(1, [{ tile: { x: 0, y: 0, w: 64, h: 64, f: 'jpeg' }, bytes: [2] }]));
    await new Promise((resolve) => setTimeout(resolve));
    expect(canvas.draws).toEqual([]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(canvas.draws.map((draw) => draw.image)).toEqual(['image/jpeg:1', 'image/jpeg:2']);
  });

  it('asks for a keyframe when the screen size changes under a delta frame, or a tile does not decode', async () => {
    const canvas = new CanvasDouble();
    const painter = new ScreenPainter(canvas, labelDecoder);
    await painter.paint(screenFrame(0, [{ tile: { x: 0, y: 0, w: 64, h: 64, f: 'jpeg' }, bytes: [1] }], { k: true }));

    const resized = await painter.paint(screenFrame(1, [{ tile: { x: 0, y: 0, w: 64, h: 64, f: 'jpeg' }, bytes: [2] }], { w: 256, h: 128 }));
    expect(resized).toEqual({ drawn: true, needsKeyframe: true });
    expect([canvas.width, canvas.height]).toEqual([256, 128]);

    const corrupt = await painter.paint(
      screenFrame(
        2,
        [
          { tile: { x: 0, y: 0, w: 64, h: 64, f: 'jpeg' }, bytes: [0xff] },
          { tile: { x: 64, y: 0, w: 64, h: 64, f: 'png' }, bytes: [7] },
        ],
        { w: 256, h: 128 },
      ),
    );
    expect(corrupt).toEqual({ drawn: false, needsKeyframe: true });
    // The good tile is still drawn: the keyframe asked repairs the rest.
    expect(canvas.draws.at(-1)?.image).toBe('image/png:7');
  });
});
