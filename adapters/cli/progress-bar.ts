import { SingleBar } from 'cli-progress';
import type { CliOutput } from './cli-io';

export interface ProgressUpdate {
  readonly done: number;
  readonly total?: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds?: number;
}

/**
 * A cli-progress bar with our own rate and ETA (the runner measures them per committed batch).
 * On anything but a terminal it draws nothing: logs and pipes get the summary line only.
 */
export class ProgressBar {
  private readonly bar: SingleBar | null;
  private started = false;

  constructor(
    stream: CliOutput,
    label: string,
    unit: string,
    private readonly formatEta: (seconds: number | undefined) => string,
  ) {
    this.bar = stream.isTTY
      ? new SingleBar({
          stream: stream as unknown as NodeJS.WritableStream,
          format: `${label} |{bar}| {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {etaText}`,
          barCompleteChar: '\u2588',
          barIncompleteChar: '\u2591',
          hideCursor: true,
          clearOnComplete: false,
          gracefulExit: true,
          formatValue: (value, _options, type) => (type === 'value' || type === 'total' ? Number(value).toLocaleString('en-US') : String(value)),
        })
      : null;
  }

  start(total: number): void {
    this.started = true;
    this.bar?.start(Math.max(total, 0), 0, { rate: '0', etaText: '?' });
  }

  update(progress: ProgressUpdate): void {
    if (!this.bar || !this.started) return;
    if (progress.total !== undefined) this.bar.setTotal(Math.max(progress.total, progress.done));
    this.bar.update(progress.done, {
      rate: Math.round(progress.eventsPerSecond).toLocaleString('en-US'),
      etaText: this.formatEta(progress.etaSeconds),
    });
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.bar?.stop();
  }
}
