import type { RecordedEvent, Subscription } from '../../application/ports/event-store.port';
import { START, type Position } from '../../application/ports/position';

/**
 * In-process "something was committed" signal. A reader notes the generation before it reads;
 * if nothing was committed since, it may sleep until the next commit without missing one.
 */
export class CommitNotifier {
  private current = 0;
  private waiters: (() => void)[] = [];

  get generation(): number {
    return this.current;
  }

  notify(): void {
    this.current += 1;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once a commit happened after `generation` (at once if one already did). */
  changedSince(generation: number): Promise<void> {
    if (this.current !== generation) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface CatchUpSource {
  /** A page of `$all` strictly after `after`, already upcast. */
  readPage(after: Position, limit: number): Promise<RecordedEvent[]>;
  readonly notifier: CommitNotifier;
}

/**
 * Catch-up then live from the same loop: read pages after the last delivered position until a
 * short page, then wait for a commit and read again. Reading by position (never by pushed
 * events) is what makes it gap-free and duplicate-free across the catch-up/live boundary.
 */
export class CatchUpSubscription implements Subscription {
  private stopped = false;
  private readonly stopSignal: Promise<void>;
  private resolveStop!: () => void;

  constructor(
    private readonly source: CatchUpSource,
    private readonly after: Position = START,
    private readonly batchSize = 500,
    private readonly onStop: (subscription: CatchUpSubscription) => void = () => undefined,
  ) {
    this.stopSignal = new Promise((resolve) => (this.resolveStop = resolve));
  }

  async unsubscribe(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.resolveStop();
    this.onStop(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.run();
  }

  private async *run(): AsyncGenerator<RecordedEvent> {
    let cursor = this.after;
    try {
      while (!this.stopped) {
        const generation = this.source.notifier.generation;
        const page = await this.source.readPage(cursor, this.batchSize);
        for (const event of page) {
          if (this.stopped) return;
          cursor = event.position;
          yield event;
        }
        if (page.length < this.batchSize && !this.stopped) {
          await Promise.race([this.source.notifier.changedSince(generation), this.stopSignal]);
        }
      }
    } finally {
      // A consumer that breaks out of for-await ends the subscription too.
      await this.unsubscribe();
    }
  }
}
