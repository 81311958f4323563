import type { Position } from './position';

export const READ_MODEL_ACCESS = Symbol('ReadModelAccess');

/** What queries need from the projection runner: where a projection lives and read-your-writes. */
export interface ReadModelAccess {
  /** The collection currently serving a projection's queries (it changes after a version rebuild). */
  activeCollection(projection: string): string;
  /** Resolves once the projection has applied everything up to `position`; rejects with ReadModelBehindError after `timeoutMs`. */
  waitFor(projection: string, position: Position, timeoutMs: number): Promise<void>;
}
