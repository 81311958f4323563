import sharp from 'sharp';
import { encodeFrame, FRAME_KIND, type InputEvent, type ScreenTile } from '../../application/contracts/session.protocol';
import { DEMO_SCREEN_HEIGHT, DEMO_SCREEN_WIDTH, renderDemoScreenRaw } from './demo-screen';

/** The demo draws at most this often, whatever the session allows: a synthetic screen needs no more. */
const DEMO_MAX_FPS = 5;
/** Frames sent and not acknowledged: past this the demo waits, as a real agent does. */
const MAX_IN_FLIGHT = 2;
/** An unacknowledged frame stops counting after this long (nobody watching, or a viewer that skipped it). */
const ACK_TIMEOUT_MS = 2_000;
/** The screen is cut into bands this tall; only bands that changed are sent (all of them in a keyframe). */
const BAND_HEIGHT = 128;
const MAX_TYPED = 2_000;

export interface DemoSessionOptions {
  readonly sessionId: string;
  readonly name: () => string;
  readonly maxFps: number;
  readonly quality: number;
  readonly now: () => Date;
  /** Puts a binary frame on the agent link; false when the link is down. */
  readonly send: (frame: Uint8Array) => boolean;
  readonly log: (message: string) => void;
}

/**
 * One session's screen on the demo computer: the synthetic desktop, live (seconds, a moving bar,
 * what the technician types, the pointer), sent as JPEG bands of which only the changed ones travel;
 * a keyframe on start and on request. Paced by acks like a real agent.
 */
export class DemoSession {
  private readonly live: { typed: string; pointer: { x: number; y: number }; pressed: boolean; tick: number } = {
    typed: '',
    pointer: { x: DEMO_SCREEN_WIDTH / 2, y: DEMO_SCREEN_HEIGHT / 2 },
    pressed: false,
    tick: 0,
  };
  private previous: Buffer | null = null;
  private keyframe = true;
  private seq = 0;
  private readonly inFlight = new Map<number, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private drawing = false;
  private running = false;

  constructor(private readonly options: DemoSessionOptions) {}

  start(): void {
    this.running = true;
    this.keyframe = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.inFlight.clear();
  }

  requestKeyframe(): void {
    this.keyframe = true;
  }

  ack(seq: number): void {
    for (const q of this.inFlight.keys()) if (q <= seq) this.inFlight.delete(q);
  }

  /** Mouse and keyboard change what the screen shows. */
  input(events: readonly InputEvent[]): void {
    for (const event of events) {
      switch (event.t) {
        case 'move':
          this.live.pointer = { x: Math.min(event.x, DEMO_SCREEN_WIDTH - 1), y: Math.min(event.y, DEMO_SCREEN_HEIGHT - 1) };
          break;
        case 'down':
        case 'up':
          this.live.pressed = event.t === 'down';
          break;
        case 'text':
          this.typeText(event.s);
          break;
        case 'key':
          if (!event.down) break;
          if (event.key === 'Backspace') this.live.typed = this.live.typed.slice(0, -1);
          else if (event.key === 'Enter') this.typeText('\n');
          else if ([...event.key].length === 1) this.typeText(event.key);
          break;
        case 'wheel':
          break;
        default: {
          const unknown: never = event;
          this.options.log(`demo session: unknown input ${JSON.stringify(unknown)}`);
        }
      }
    }
  }

  private typeText(text: string): void {
    this.live.typed = (this.live.typed + text).slice(-MAX_TYPED);
  }

  private schedule(delayMs: number): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.draw().finally(() => this.schedule(1000 / Math.max(1, Math.min(DEMO_MAX_FPS, this.options.maxFps))));
    }, delayMs);
    this.timer.unref?.();
  }

  private async draw(): Promise<void> {
    if (this.drawing || !this.running) return;
    const now = Date.now();
    for (const [q, sentAt] of this.inFlight) if (now - sentAt > ACK_TIMEOUT_MS) this.inFlight.delete(q);
    if (this.inFlight.size >= MAX_IN_FLIGHT) return;
    this.drawing = true;
    try {
      this.live.tick += 1;
      const at = this.options.now();
      const raw = await renderDemoScreenRaw(this.options.name(), at, { ...this.live });
      const keyframe = this.keyframe || this.previous === null;
      const bands = changedBands(raw, keyframe ? null : this.previous);
      this.previous = raw;
      if (bands.length === 0 || !this.running) return;
      const tiles: ScreenTile[] = [];
      const images: Buffer[] = [];
      for (const y of bands) {
        const h = Math.min(BAND_HEIGHT, DEMO_SCREEN_HEIGHT - y);
        const band = raw.subarray(y * DEMO_SCREEN_WIDTH * 3, (y + h) * DEMO_SCREEN_WIDTH * 3);
        const image = await sharp(band, { raw: { width: DEMO_SCREEN_WIDTH, height: h, channels: 3 } }).jpeg({ quality: this.options.quality }).toBuffer();
        tiles.push({ x: 0, y, w: DEMO_SCREEN_WIDTH, h, f: 'jpeg', n: image.length });
        images.push(image);
      }
      const header = { s: this.options.sessionId, q: this.seq, t: at.getTime(), w: DEMO_SCREEN_WIDTH, h: DEMO_SCREEN_HEIGHT, k: keyframe, tiles };
      if (!this.options.send(encodeFrame(FRAME_KIND.SCREEN, header, Buffer.concat(images)))) {
        this.keyframe = true;
        return;
      }
      if (keyframe) this.keyframe = false;
      this.inFlight.set(this.seq++, Date.now());
    } catch (error) {
      this.options.log(`demo session: drawing failed: ${(error as Error).message}`);
    } finally {
      this.drawing = false;
    }
  }
}

/** Top rows of the bands that differ from the previous screen (all of them without one). */
function changedBands(raw: Buffer, previous: Buffer | null): number[] {
  const bands: number[] = [];
  const rowBytes = DEMO_SCREEN_WIDTH * 3;
  for (let y = 0; y < DEMO_SCREEN_HEIGHT; y += BAND_HEIGHT) {
    const end = Math.min(DEMO_SCREEN_HEIGHT, y + BAND_HEIGHT) * rowBytes;
    if (!previous || raw.compare(previous, y * rowBytes, end, y * rowBytes, end) !== 0) bands.push(y);
  }
  return bands;
}
