export const CLOCK = Symbol('Clock');

/** Time and ids come from here, never from `new Date()` inside the domain. */
export interface Clock {
  /** Now as an ISO-8601 string. */
  now(): string;
}

export const ID_GENERATOR = Symbol('IdGenerator');

export interface IdGenerator {
  /** A new unique id (UUID v4 or similar). */
  newId(): string;
}
