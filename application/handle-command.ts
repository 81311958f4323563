import type { Command, Decider, Event } from '../domain/shared/event';
import { ApplicationError, StreamRevisionConflictError } from './errors';
import type { IdGenerator } from './ports/clock.port';
import type { EventSource, EventStore, NewEvent } from './ports/event-store.port';
import { START, type Position } from './ports/position';

/** How a command reached us: correlation, origin and the client's If-Match revision, if any. */
export interface CommandMeta {
  readonly correlationId: string;
  readonly causationId?: string;
  readonly source?: EventSource;
  /** The revision the client last saw (If-Match). A stale one is refused, never retried. */
  readonly ifMatch?: number;
}

export interface HandleCommandOptions {
  readonly ids: IdGenerator;
  readonly meta: CommandMeta;
  /** Conflicts retried when the client sent no If-Match. */
  readonly maxRetries?: number;
  /** Current schema version of each event type (1 when absent). */
  readonly schemaVersions?: Readonly<Record<string, number>>;
}

export interface CommandResult<E extends Event = Event> {
  /** Revision of the stream after the command (-1 when the stream still does not exist). */
  readonly revision: number;
  /** Global position of the last event written, or of the last event read when nothing was written. */
  readonly position: Position;
  readonly events: readonly E[];
}

/** The client's If-Match no longer matches the stream. */
export class PreconditionFailedError extends ApplicationError {
  constructor(stream: string, expected: number, actual: number) {
    super('PRECONDITION_FAILED', `${stream} is at revision ${actual}, not ${expected} as If-Match says`, {
      stream,
      expected,
      actual,
    });
  }
}

const DEFAULT_RETRIES = 3;

/**
 * Read the stream, fold `evolve`, run `decide`, append with the expected revision.
 * A conflict is retried a bounded number of times, unless the client pinned a revision with If-Match.
 */
export async function handleCommand<C extends Command, E extends Event, S>(
  store: EventStore,
  stream: string,
  decider: Decider<C, E, S>,
  command: C,
  options: HandleCommandOptions,
): Promise<CommandResult<E>> {
  const { meta, ids } = options;
  const retries = meta.ifMatch === undefined ? (options.maxRetries ?? DEFAULT_RETRIES) : 0;
  for (let attempt = 0; ; attempt++) {
    const recorded = await store.readStream(stream);
    const revision = recorded.length - 1;
    if (meta.ifMatch !== undefined && meta.ifMatch !== revision) {
      throw new PreconditionFailedError(stream, meta.ifMatch, revision);
    }
    const state = recorded.reduce((s, e) => decider.evolve(s, e as unknown as E), decider.initialState());
    const events = decider.decide(command, state);
    if (events.length === 0) {
      return { revision, position: recorded.at(-1)?.position ?? START, events };
    }
    const { principal, now } = command.context;
    const toAppend: NewEvent[] = events.map((e) => ({
      type: e.type,
      data: e.data as Record<string, unknown>,
      metadata: {
        eventId: ids.newId(),
        schemaVersion: options.schemaVersions?.[e.type] ?? 1,
        tenantId: principal.tenantId,
        actor: { kind: principal.kind, id: principal.id },
        correlationId: meta.correlationId,
        causationId: meta.causationId ?? meta.correlationId,
        occurredAt: now,
        ...(meta.source ? { source: meta.source } : {}),
      },
    }));
    try {
      const result = await store.appendToStream(stream, toAppend, revision < 0 ? 'no_stream' : revision);
      return { revision: result.revision, position: result.position, events };
    } catch (e) {
      if (!(e instanceof StreamRevisionConflictError)) throw e;
      if (meta.ifMatch !== undefined) throw new PreconditionFailedError(stream, meta.ifMatch, Number(e.actual));
      if (attempt >= retries) throw e;
    }
  }
}
