import { comparePositions, type Position } from '../ports/position';

interface Waiter {
  readonly position: Position;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Callers waiting for a checkpoint to reach a position (read-your-writes). The runner calls
 * `advance` from its batch-commit path, so a waiter resolves on the commit that covers it and
 * nobody polls. Waiters are kept sorted by position: an advance resolves a prefix.
 */
export class PositionWaiters {
  private waiters: Waiter[] = [];

  get size(): number {
    return this.waiters.length;
  }

  /** Resolves on the first `advance` to a position at or after `position`; rejects with `onTimeout()` after `timeoutMs`. */
  wait(position: Position, timeoutMs: number, onTimeout: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { position, resolve, reject, timer: null };
      waiter.timer = setTimeout(() => {
        this.remove(waiter);
        reject(onTimeout());
      }, Math.max(0, timeoutMs));
      // A pending read must not keep a process alive that is otherwise done.
      waiter.timer.unref?.();
      this.insert(waiter);
    });
  }

  /** The checkpoint moved to `to`: resolves every waiter at or before it. */
  advance(to: Position): void {
    const waiters = this.waiters;
    if (waiters.length === 0) return;
    let count = 0;
    while (count < waiters.length && comparePositions(waiters[count].position, to) <= 0) count += 1;
    if (count === 0) return;
    const done = waiters.splice(0, count);
    for (const waiter of done) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  /** Rejects every waiter at once (the projection failed or the runner stopped: waiting longer is pointless). */
  rejectAll(makeError: (position: Position) => Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.reject(makeError(waiter.position));
    }
  }

  private insert(waiter: Waiter): void {
    let lo = 0;
    let hi = this.waiters.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePositions(this.waiters[mid].position, waiter.position) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.waiters.splice(lo, 0, waiter);
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }
}
