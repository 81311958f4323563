import type { Clock } from '../../application/ports/clock.port';
import type { EventStore, NewEvent } from '../../application/ports/event-store.port';
import type { Doc } from '../../application/ports/read-store.port';
import type { Projection, ProjectedEvent } from '../../read-models/projection';

/**
 * A small projection for runner and CLI tests: one document per counter, remembering every
 * position applied to it, so order, duplicates and gaps are all visible in the document.
 */
export interface CounterDoc extends Doc {
  readonly count: number;
  readonly applied: readonly string[];
}

export const COUNTER_TYPES = ['CounterIncremented', 'CounterDeleted', 'CounterBroken'] as const;

export interface CounterProjectionOptions {
  readonly name?: string;
  readonly version?: number;
  /** Multiplies each increment: a changed evolve for version-bump tests. */
  readonly factor?: number;
  /** Counts evolve calls. */
  readonly calls?: { count: number };
}

export function counterProjection(options: CounterProjectionOptions = {}): Projection<CounterDoc> {
  const factor = options.factor ?? 1;
  return {
    name: options.name ?? 'counter',
    version: options.version ?? 1,
    canHandle: COUNTER_TYPES,
    docId: (event) => (event.data as { counterId?: string }).counterId ?? null,
    evolve(doc, event: ProjectedEvent) {
      if (options.calls) options.calls.count += 1;
      switch (event.type) {
        case 'CounterIncremented':
          // id and tenantId are deliberately wrong: the runner forces them.
          return {
            id: 'not-the-id',
            tenantId: 'not-the-tenant',
            count: (doc?.count ?? 0) + (event.data as { by: number }).by * factor,
            applied: [...(doc?.applied ?? []), event.position],
          };
        case 'CounterDeleted':
          return null;
        case 'CounterBroken':
          throw new Error(`counter ${(event.data as { counterId: string }).counterId} is broken`);
        default:
          throw new Error(`unexpected ${event.type}`);
      }
    },
  };
}

let sequence = 0;

/** One event for `computer-<stream>` in `tenantId`; schemaVersion 1 unless told. */
export function counterEvent(
  type: string,
  data: Readonly<Record<string, unknown>>,
  tenantId = 'tenant-a',
  occurredAt = '2025-01-01T00:00:00.000Z',
  schemaVersion = 1,
): NewEvent {
  sequence += 1;
  return {
    type,
    data,
    metadata: {
      eventId: `evt-${sequence}`,
      schemaVersion,
      tenantId,
      actor: { kind: 'system', id: 'test' },
      correlationId: `corr-${sequence}`,
      causationId: `corr-${sequence}`,
      occurredAt,
    },
  };
}

/** Appends each event to its own new stream; returns the positions. */
export async function appendEach(store: EventStore, events: readonly NewEvent[]): Promise<string[]> {
  const positions: string[] = [];
  for (const event of events) {
    sequence += 1;
    const { position } = await store.appendToStream(`computer-s${sequence}`, [event], 'no_stream');
    positions.push(position);
  }
  return positions;
}

/** `count` increments spread over `counters` counters in one or two tenants. */
export function increments(count: number, counters = 3): NewEvent[] {
  return Array.from({ length: count }, (_, i) =>
    counterEvent('CounterIncremented', { counterId: `c${i % counters}`, by: 1 }, i % 2 === 0 ? 'tenant-a' : 'tenant-b'),
  );
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private ms = Date.parse('2025-01-01T00:00:00.000Z')) {}

  now(): string {
    return new Date(this.ms).toISOString();
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A clock that moves one second every time it is read: rates and ETAs become predictable. */
export class TickingClock implements Clock {
  constructor(private ms = Date.parse('2025-01-01T00:00:00.000Z')) {}

  now(): string {
    this.ms += 1000;
    return new Date(this.ms).toISOString();
  }
}
