import { SESSION_MAX_INPUT_EVENTS, type InputEvent } from '@contracts/session.protocol';

import { InputBatcher, keyEvent, mouseButton, screenPoint, wheelNotches } from './input-mapping';

describe('input mapping', () => {
  it('maps a pointer on the scaled canvas to the remote screen’s pixels, clamped to its edges', () => {
    // A 1920×1080 screen drawn in a 960×540 box at (100, 50).
    const box = { left: 100, top: 50, width: 960, height: 540 };
    expect(screenPoint(100, 50, box, 1920, 1080)).toEqual({ x: 0, y: 0 });
    expect(screenPoint(580, 320, box, 1920, 1080)).toEqual({ x: 960, y: 540 });
    expect(screenPoint(1059.9, 589.9, box, 1920, 1080)).toEqual({ x: 1919, y: 1079 });
    expect(screenPoint(2000, -20, box, 1920, 1080)).toEqual({ x: 1919, y: 0 });
  });

  it('sends the main, middle and secondary buttons only', () => {
    expect([0, 1, 2, 3, 4].map(mouseButton)).toEqual([0, 1, 2, null, null]);
  });

  it('turns wheel movement into notches, at least one, within the protocol’s limit', () => {
    expect(wheelNotches(100, 0)).toBe(1);
    expect(wheelNotches(-300, 0)).toBe(-3);
    expect(wheelNotches(4, 0)).toBe(1);
    expect(wheelNotches(3, 1)).toBe(1);
    expect(wheelNotches(1e9, 0)).toBe(100);
    expect(wheelNotches(0, 0)).toBe(0);
  });

  it('sends keys by their DOM names and drops those the remote side cannot use', () => {
    expect(keyEvent('a', true)).toEqual({ t: 'key', key: 'a', down: true });
    expect(keyEvent('Enter', false)).toEqual({ t: 'key', key: 'Enter', down: false });
    expect(keyEvent('Unidentified', true)).toBeNull();
    expect(keyEvent('Dead', true)).toBeNull();
  });
});

describe('InputBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends a batch after the delay, moves in a row collapsed into the last one', () => {
    const sent: (readonly InputEvent[])[] = [];
    const batcher = new InputBatcher((events) => sent.push(events), 16);
    batcher.push({ t: 'move', x: 1, y: 1 });
    batcher.push({ t: 'move', x: 2, y: 2 });
    batcher.push({ t: 'down', b: 0 });
    batcher.push({ t: 'move', x: 3, y: 3 });
    batcher.push({ t: 'move', x: 4, y: 4 });
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(16);
    expect(sent).toEqual([
      [
        { t: 'move', x: 2, y: 2 },
        { t: 'down', b: 0 },
        { t: 'move', x: 4, y: 4 },
      ],
    ]);
  });

  it('never puts more events in one message than the protocol allows', () => {
    const sent: (readonly InputEvent[])[] = [];
    const batcher = new InputBatcher((events) => sent.push(events));
    for (let i = 0; i < SESSION_MAX_INPUT_EVENTS + 3; i++) batcher.push({ t: 'key', key: 'a', down: i % 2 === 0 });
    jest.runAllTimers();
    expect(sent.map((batch) => batch.length)).toEqual([SESSION_MAX_INPUT_EVENTS, 3]);
  });
});
