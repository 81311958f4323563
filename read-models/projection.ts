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
  /**
   * Event types this projection reads; all others pass by. `[EVERY_EVENT_TYPE]` (that is `['*']`,
   * alone in the list) reads every event whatever its type, for views of the whole log (the audit log).
   */
  readonly canHandle: readonly string[];
  /** The document an event touches (in the event's tenant), or null when it touches none. */
  docId(event: ProjectedEvent): string | null;
  /** Throws when it meets an event it cannot read: the runner stops there and reports it, never skips. */
  evolve(doc: D | null, event: ProjectedEvent): D | null;
  readonly indexes?: readonly IndexSpec[];
}

/** In `canHandle`, alone: the projection reads every event, including types added after it was written. */
export const EVERY_EVENT_TYPE = '*';

/**
 * The event-type test a runner applies for a projection's `canHandle`. Throws when `'*'` is mixed
 * with named types: that list would mean "every event" while reading as "only these".
 */
export function eventTypeFilter(canHandle: readonly string[]): (type: string) => boolean {
  if (canHandle.includes(EVERY_EVENT_TYPE)) {
    if (canHandle.length > 1) {
      throw new Error(`canHandle ${JSON.stringify(canHandle)}: '${EVERY_EVENT_TYPE}' means every event and must stand alone`);
    }
    return () => true;
  }
  const types = new Set(canHandle);
  return (type) => types.has(type);
}

/** Collection that holds a projection's documents at a version. */
export const collectionName = (name: string, version: number): string => `${name}_v${version}`;
