import type { RgbImage } from '../screen/png';
import { ScreenEncoder, type EncodedFrame } from './screen-encoder';

/** Time and timers of the capture loop; specs drive it with a manual clock. */
export interface SessionClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_CLOCK: SessionClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Frames sent and not yet acknowledged: past this, the agent waits, so a slow link never queues a backlog. */
export const MAX_IN_FLIGHT = 2;
/** A frame unacknowledged this long is given up on (dropped for a slow viewer, or nobody watching): pacing goes on, slower. */
export const ACK_TIMEOUT_MS = 2_000;
/** Smoothed ack round trips above this lower frame rate and quality; below FAST_RTT_MS they climb back. */
export const SLOW_RTT_MS = 300;
export const FAST_RTT_MS = 120;
/** Rate and quality change at most this often, so that one late ack does not swing them. */
export const ADAPT_INTERVAL_MS = 1_000;
export const MIN_FPS = 1;
export const MIN_QUALITY = 20;
const QUALITY_DOWN = 15;
const QUALITY_UP = 10;
/** Weight of a new round trip in the smoothed one. */
const RTT_WEIGHT = 0.5;

export interface SessionRunnerOptions {
  readonly sessionId: string;
  /** Ceilings from `session-start`: the runner starts there and never goes above. */
  readonly maxFps: number;
  readonly quality: number;
  readonly capture: () => Promise<RgbImage>;
  /** Puts a binary frame on the agent link; false when the link is down (the frame is lost). */
  readonly send: (frame: Uint8Array) => boolean;
  readonly log: (level: 'info' | 'warn', message: string) => void;
  readonly clock?: SessionClock;
}

/**
 * One session's screen stream: captures at up to `maxFps`, sends what changed, keeps at most two
 * frames waiting for an ack, and adapts frame rate and JPEG quality to the acks' round trip: lower
 * when the link is slow, back up to the ceilings when it is fast again.
 */
export class SessionRunner {
  private readonly encoder: ScreenEncoder;
  private readonly clock: SessionClock;
  private fps: number;
  private quality: number;
  private seq = 0;
  /** Sequence number → when it was sent. */
  private readonly inFlight = new Map<number, number>();
  private smoothedRtt: number | null = null;
  private lastAdaptAt: number;
  private lastCaptureAt = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;
  private step: Promise<void> | null = null;
  private stopped = true;
  private failing: string | null = null;

  constructor(private readonly options: SessionRunnerOptions) {
    this.encoder = new ScreenEncoder(options.sessionId);
    this.clock = options.clock ?? REAL_CLOCK;
    this.fps = options.maxFps;
    this.quality = options.quality;
    this.lastAdaptAt = this.clock.now();
  }

  /** Frame rate and quality in use now. */
  get rate(): { readonly fps: number; readonly quality: number } {
    return { fps: this.fps, quality: this.quality };
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Stops capturing; resolves once a capture under way has finished (its frame is not sent). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.step;
  }

  /** Resolves when no capture is under way. */
  async idle(): Promise<void> {
    await this.step;
  }

  /** The next frame carries every tile. */
  requestKeyframe(): void {
    this.encoder.requestKeyframe();
  }

  /** A viewer drew frame `seq`: it and every earlier frame are no longer in flight. */
  ack(seq: number): void {
    const sentAt = this.inFlight.get(seq);
    if (sentAt === undefined) return;
    const now = this.clock.now();
    for (const q of this.inFlight.keys()) if (q <= seq) this.inFlight.delete(q);
    this.observeRtt(now - sentAt, now);
    // A wait for this ack (two in flight) becomes a wait for the next capture time.
    this.clearTimer();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.step !== null || this.timer !== null) return;
    const now = this.clock.now();
    const due = this.inFlight.size >= MAX_IN_FLIGHT ? Math.min(...this.inFlight.values()) + ACK_TIMEOUT_MS : this.lastCaptureAt + 1000 / this.fps;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.step = this.captureAndSend().finally(() => {
        this.step = null;
        this.schedule();
      });
    }, Math.max(0, Math.ceil(due - now)));
  }

  private async captureAndSend(): Promise<void> {
    const now = this.clock.now();
    this.expireUnacknowledged(now);
    if (this.inFlight.size >= MAX_IN_FLIGHT) return;
    this.lastCaptureAt = now;
    let frame: EncodedFrame | null;
    try {
      frame = await this.encoder.encode(await this.options.capture(), this.seq, Math.round(this.clock.now()), this.quality);
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.failing) this.options.log('warn', `session ${this.options.sessionId}: screen capture failed: ${message}`);
      this.failing = message;
      return;
    }
    if (this.failing !== null) this.options.log('info', `session ${this.options.sessionId}: screen capture works again`);
    this.failing = null;
    if (frame === null || this.stopped) return;
    if (!this.options.send(frame.bytes)) {
      // Lost on a link that is down: whoever watches next needs the whole screen.
      this.encoder.requestKeyframe();
      return;
    }
    this.inFlight.set(this.seq++, this.clock.now());
  }

  /** Frames nobody acknowledged in time count as a very slow round trip. */
  private expireUnacknowledged(now: number): void {
    let expired = false;
    for (const [q, sentAt] of this.inFlight) {
      if (now - sentAt < ACK_TIMEOUT_MS) continue;
      this.inFlight.delete(q);
      expired = true;
    }
    if (expired) this.observeRtt(ACK_TIMEOUT_MS, now);
  }

  private observeRtt(rtt: number, now: number): void {
    this.smoothedRtt = this.smoothedRtt === null ? rtt : this.smoothedRtt + RTT_WEIGHT * (rtt - this.smoothedRtt);
    if (now - this.lastAdaptAt < ADAPT_INTERVAL_MS) return;
    if (this.smoothedRtt > SLOW_RTT_MS) {
      this.fps = Math.max(MIN_FPS, Math.floor(this.fps / 2));
      this.quality = Math.max(Math.min(MIN_QUALITY, this.options.quality), this.quality - QUALITY_DOWN);
    } else if (this.smoothedRtt < FAST_RTT_MS) {
      this.fps = Math.min(this.options.maxFps, this.fps + Math.max(1, Math.round(this.options.maxFps / 5)));
      this.quality = Math.min(this.options.quality, this.quality + QUALITY_UP);
    } else {
      return;
    }
    this.lastAdaptAt = now;
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
