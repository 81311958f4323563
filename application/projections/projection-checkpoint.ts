import type { Position } from '../ports/position';

/**
 * What a projection runner records in read-store meta, written in the same `bulkWrite` as the
 * documents of the batch it covers: the collection and version the documents were built into
 * and the position of the last event read (handled or not).
 */
export interface ProjectionCheckpoint {
  readonly version: number;
  readonly collection: string;
  readonly position: Position;
}

/** Meta key of the checkpoint of the collection that serves queries. */
export const checkpointKey = (projection: string): string => `projection:${projection}`;

/** Meta key of the checkpoint of a rebuild in progress (a version bump or an operator's replay). */
export const rebuildCheckpointKey = (projection: string): string => `projection:${projection}:rebuild`;

export function isProjectionCheckpoint(value: unknown): value is ProjectionCheckpoint {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.version === 'number' && typeof v.collection === 'string' && typeof v.position === 'string';
}
