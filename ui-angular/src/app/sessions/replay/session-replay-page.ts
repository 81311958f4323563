import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, afterNextRender, computed, inject, input, signal, viewChild } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { SessionDetailsView } from '@contracts/session-history.contracts';
import { TranslatePipe } from '@ngx-translate/core';

import { type Problem, problemOf } from '../../auth/problem';
import { DateTimePipe } from '../../date-time/date-time.pipe';
import { DateTimeService } from '../../date-time/date-time.service';
import { ProblemMessage } from '../../shared/problem-message';
import { ScreenPainter, type ScreenSurface, TILE_DECODER } from '../viewer/screen-painter';
import { SessionsApi } from '../sessions-api';
import { type RecordedFrame, framesToShow, parseRecordingChunk } from './recording';

/** The player advances this often while playing. */
export const REPLAY_TICK_MS = 40;
export const REPLAY_SPEEDS = [1, 2, 4, 8] as const;

interface TimelineEvent {
  readonly at: number;
  readonly iso: string;
  readonly type: string;
  readonly summary: string;
}

/**
 * A recorded session played back: the stored frames drawn on a canvas at their times, a slider over
 * the whole recording, and the session's audit events on the same timeline (markers on the slider,
 * a list that seeks to each one).
 */
@Component({
  selector: 'app-session-replay-page',
  imports: [RouterLink, TranslatePipe, DateTimePipe, ProblemMessage],
  templateUrl: './session-replay-page.html',
  styleUrl: './session-replay-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionReplayPage {
  private readonly api = inject(SessionsApi);
  private readonly dateTime = inject(DateTimeService);
  private readonly decodeTile = inject(TILE_DECODER);
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('screen');
  private painter: ScreenPainter | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Index of the last frame on the canvas (-1: none). */
  private shown = -1;
  /** Drawing is serial: a seek waits for the frames already on their way. */
  private drawing: Promise<void> = Promise.resolve();

  readonly id = input.required<string>();

  protected readonly session = signal<SessionDetailsView | null>(null);
  protected readonly frames = signal<readonly RecordedFrame[]>([]);
  protected readonly events = signal<readonly TimelineEvent[]>([]);
  protected readonly startIso = signal<string | null>(null);
  protected readonly duration = signal(0);
  protected readonly position = signal(0);
  protected readonly playing = signal(false);
  protected readonly speed = signal<number>(1);
  protected readonly loading = signal(true);
  protected readonly loadedChunks = signal(0);
  protected readonly totalChunks = signal(0);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly broken = signal<string | null>(null);
  protected readonly speeds = REPLAY_SPEEDS;
  protected readonly elapsed = computed(() => this.dateTime.formatDuration(this.position() / 1000));
  protected readonly total = computed(() => this.dateTime.formatDuration(this.duration() / 1000));

  constructor() {
    inject(DestroyRef).onDestroy(() => clearInterval(this.timer));
    afterNextRender(() => {
      this.painter = new ScreenPainter(this.canvas().nativeElement as ScreenSurface, this.decodeTile);
      void this.load();
    });
  }

  protected percent(at: number): number {
    return this.duration() > 0 ? (at / this.duration()) * 100 : 0;
  }

  protected togglePlay(): void {
    if (this.playing()) {
      this.pause();
      return;
    }
    if (this.position() >= this.duration()) this.seek(0);
    this.playing.set(true);
    this.timer = setInterval(() => this.tick(), REPLAY_TICK_MS);
  }

  protected setSpeed(value: string): void {
    const speed = Number(value);
    if (REPLAY_SPEEDS.includes(speed as (typeof REPLAY_SPEEDS)[number])) this.speed.set(speed);
  }

  /** Jumps to a time: the screen is redrawn from the keyframe before it. */
  protected seek(at: number): void {
    const position = Math.min(this.duration(), Math.max(0, at));
    this.position.set(position);
    const { from, to } = framesToShow(this.frames(), position);
    this.shown = -1;
    this.draw(from, to);
  }

  private pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.playing.set(false);
  }

  private tick(): void {
    const position = Math.min(this.duration(), this.position() + REPLAY_TICK_MS * this.speed());
    this.position.set(position);
    const { to } = framesToShow(this.frames(), position);
    if (to > this.shown) this.draw(this.shown + 1, to);
    if (position >= this.duration()) this.pause();
  }

  private draw(from: number, to: number): void {
    if (to < from) return;
    this.shown = to;
    const frames = this.frames().slice(from, to + 1);
    this.drawing = this.drawing.then(async () => {
      for (const recorded of frames) await this.painter?.paint(recorded.frame);
    });
  }

  private async load(): Promise<void> {
    const id = this.id();
    this.api.get(id).then(
      (session) => this.session.set(session),
      () => undefined,
    );
    try {
      const recording = await this.api.recording(id);
      const chunks = [...recording.chunks].sort((a, b) => a.chunk - b.chunk);
      this.totalChunks.set(chunks.length);
      if (chunks.length === 0) {
        this.loading.set(false);
        return;
      }
      const start = Date.parse(chunks[0]!.from);
      this.startIso.set(chunks[0]!.from);
      this.duration.set(Math.max(0, Date.parse(chunks.at(-1)!.to) - start));
      this.events.set(
        recording.events
          .map((event) => ({ at: Math.max(0, Date.parse(event.at) - start), iso: event.at, type: event.type, summary: event.summary }))
          .sort((a, b) => a.at - b.at),
      );
      const frames: RecordedFrame[] = [];
      for (const chunk of chunks) {
        const bytes = new Uint8Array(await this.api.recordingChunk(id, chunk.chunk));
        try {
          frames.push(...parseRecordingChunk(bytes, Date.parse(chunk.from) - start));
        } catch (error) {
          this.broken.set(`${chunk.chunk}: ${(error as Error).message}`);
        }
        this.loadedChunks.update((n) => n + 1);
      }
      this.frames.set(frames.sort((a, b) => a.at - b.at));
      this.seek(0);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.loading.set(false);
    }
  }
}
