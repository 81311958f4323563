import type { Actor } from '../../domain/shared/event';
import type { Position } from './position';

/** Where a request came from, kept on every event for the audit. */
export interface EventSource {
  readonly ip?: string;
  readonly userAgent?: string;
  readonly channel?: 'http' | 'ws' | 'agent' | 'cli' | 'system';
}

/** Metadata the caller supplies on append. */
export interface EventMetadataInput {
  readonly eventId: string;
  readonly schemaVersion: number;
  readonly tenantId: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string;
  readonly occurredAt: string;
  readonly source?: EventSource;
}

/** Metadata as stored: the input plus the tamper-evidence chain the adapter computes. */
export interface EventMetadata extends EventMetadataInput {
  /** Hash of the previous event in the same stream; 64 zeros for the first. */
  readonly prevHash: string;
  /** SHA-256 over prevHash and the canonical JSON of type, data and metadata (without hashes). */
  readonly hash: string;
  /**
   * Set on read (never stored) when some personal data of the event was erased by crypto-shredding:
   * those fields read as null. The stored ciphertext, and so the hash chain, is unchanged.
   */
  readonly erased?: boolean;
}

export interface NewEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadataInput;
}

export interface RecordedEvent {
  readonly stream: string;
  /** 0-based position of the event inside its stream. */
  readonly revision: number;
  /** Global position in `$all`. */
  readonly position: Position;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

/** `'no_stream'` when creating; otherwise the revision of the last event read. Never "any". */
export type ExpectedRevision = 'no_stream' | number;

export interface AppendResult {
  /** Revision of the last event appended. */
  readonly revision: number;
  /** Global position of the last event appended. */
  readonly position: Position;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive); 0 by default. */
  readonly fromRevision?: number;
  readonly maxCount?: number;
  /** Return events exactly as stored, without upcasting (the audit verifier hashes the stored shape). */
  readonly raw?: boolean;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; from the beginning when omitted. */
  readonly after?: Position;
  readonly limit: number;
}

export interface Subscription extends AsyncIterable<RecordedEvent> {
  /** Stops the subscription; a pending iteration ends. */
  unsubscribe(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

/** The event store: append-only streams, a global ordered log, live subscription. */
export interface EventStore {
  /** Appends atomically if the stream is at the expected revision; throws StreamRevisionConflictError otherwise. */
  appendToStream(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order; an empty array when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** A page of `$all` in global order. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up from a position, then live: strictly in order, no gap, no duplicate. */
  subscribeToAll(options?: { after?: Position }): Subscription;
  /** Position of the newest event, or START when the store is empty. */
  headPosition(): Promise<Position>;
  /** Every stream name, for the audit verifier. */
  listStreams(): AsyncIterable<string>;
  /** Checks that the store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
