import { randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from '../../application/ports/clock.port';

/** The wall clock, for the running server. Tests pass a fixed clock instead. */
export class SystemClock implements Clock {
  now(): string {
    return new Date().toISOString();
  }
}

/** Random UUID v4 ids (122 random bits). */
export class RandomIdGenerator implements IdGenerator {
  newId(): string {
    return randomUUID();
  }
}
