import { type InputEvent, SESSION_MAX_INPUT_EVENTS } from '@contracts/session.protocol';

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * A pointer position on the canvas as a pixel of the remote screen: the canvas is drawn at the screen's
 * size and scaled by CSS to fit, so the client box maps linearly onto the screen; the edges are clamped.
 */
export function screenPoint(clientX: number, clientY: number, box: Box, screenWidth: number, screenHeight: number): { x: number; y: number } {
  const scale = (offset: number, size: number, pixels: number): number =>
    size <= 0 ? 0 : Math.min(pixels - 1, Math.max(0, Math.floor((offset / size) * pixels)));
  return { x: scale(clientX - box.left, box.width, screenWidth), y: scale(clientY - box.top, box.height, screenHeight) };
}

/** DOM `MouseEvent.button` (0 main, 1 middle, 2 secondary) as the protocol's button; back/forward are not sent. */
export function mouseButton(button: number): 0 | 1 | 2 | null {
  return button === 0 || button === 1 || button === 2 ? button : null;
}

const PIXELS_PER_NOTCH = 100;
const LINES_PER_NOTCH = 3;
const MAX_NOTCHES = 100;

/** A wheel movement as notches (what a remote wheel click does), at least one in the direction moved. */
export function wheelNotches(deltaY: number, deltaMode: number): number {
  if (deltaY === 0 || !Number.isFinite(deltaY)) return 0;
  const perNotch = deltaMode === 1 ? LINES_PER_NOTCH : deltaMode === 2 ? 1 / 10 : PIXELS_PER_NOTCH;
  const notches = Math.max(1, Math.round(Math.abs(deltaY) / perNotch));
  return Math.sign(deltaY) * Math.min(MAX_NOTCHES, notches);
}

/** Keys with no meaning on the remote side (the browser could not name them, or a dead key of a compose sequence). */
const UNSENDABLE = new Set(['Unidentified', 'Dead', 'Process']);

/** A DOM key as the protocol's key event (DOM key names: "a", "Enter", "ArrowLeft"); null when it cannot be sent. */
export function keyEvent(key: string, down: boolean): InputEvent | null {
  if (!key || key.length > 32 || UNSENDABLE.has(key)) return null;
  return { t: 'key', key, down };
}

/**
 * Collects input events and sends them in small batches: one message per `delayMs` at most, pointer
 * moves in a row collapsed into the last one (only where the pointer ends up matters), at most the
 * protocol's number of events per message.
 */
export class InputBatcher {
  private pending: InputEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (events: readonly InputEvent[]) => void,
    private readonly delayMs = 16,
  ) {}

  push(event: InputEvent): void {
    const last = this.pending.at(-1);
    if (event.t === 'move' && last?.t === 'move') this.pending[this.pending.length - 1] = event;
    else this.pending.push(event);
    if (this.pending.length >= SESSION_MAX_INPUT_EVENTS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0) this.send(this.pending.splice(0, SESSION_MAX_INPUT_EVENTS));
  }

  /** Drops what was not sent (the session is gone). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
