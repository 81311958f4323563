import type { Doc, IndexSpec } from '../application/ports/read-store.port';
import type { EventMetadata } from '../application/ports/event-store.port';
import type { Position } from '../application/ports/position';

/** An event as a projection sees it: the domain event plus where and when it was stored. */
export interface ProjectedEvent<Type extends string = string, Data = Readonly<Record<string, unknown>>> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly stream: string;
  readonly revision: number;
  readonly position: Position;
}

/**
 * A read model as pure functions. The runner does the I/O: it loads `docId(event)` in the
 * event's tenant, calls `evolve`, and writes the result (null deletes the document).
 * Bump `version` when evolve changes meaning: the runner rebuilds into a new collection
 * and switches when it has caught up.
 */
export interface Projection<D extends Doc = Doc> {
  readonly name: string;
  readonly version: number;
  /** Event types this projection reads; all others pass by. */
  readonly canHandle: readonly string[];
  /** The document an event touches (in the event's tenant), or null when it touches none. */
  docId(event: ProjectedEvent): string | null;
  /** Throws when it meets an event it cannot read: the runner stops there and reports it, never skips. */
  evolve(doc: D | null, event: ProjectedEvent): D | null;
  readonly indexes?: readonly IndexSpec[];
}

/** Collection that holds a projection's documents at a version. */
export const collectionName = (name: string, version: number): string => `${name}_v${version}`;
