import { createHash } from 'node:crypto';
import type { EventMetadata, EventMetadataInput, EventStore, RecordedEvent } from '../../application/ports/event-store.port';
import type { Position } from '../../application/ports/position';
import { StoredEventUnreadableError } from './stored-event-unreadable.error';

/** prevHash of the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted (by UTF-16 code units, like Array.prototype.sort) and no whitespace.
 * Strings are written by JSON.stringify, which leaves non-ASCII characters as they are, so the
 * same value always gives the same text whatever the key order it was built with.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // undefined, functions and symbols have no JSON form; inside objects they are dropped like JSON.stringify does.
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  }
  const maybeJson = value as { toJSON?: () => unknown };
  if (typeof maybeJson.toJSON === 'function') return canonicalJson(maybeJson.toJSON());
  const entries = Object.keys(value)
    .sort()
    .filter((key) => {
      const v = (value as Record<string, unknown>)[key];
      return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
    })
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

export interface HashedContent {
  readonly type: string;
  readonly data: unknown;
  readonly metadataWithoutHashes: unknown;
}

/** SHA-256 (hex) over the previous hash and the canonical JSON of type, data and metadata without hashes. */
export function computeEventHash(prevHash: string, content: HashedContent): string {
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({ type: content.type, data: content.data, metadata: content.metadataWithoutHashes }))
    .digest('hex');
}

/** Metadata minus the two chain fields: what the hash covers. */
export function metadataWithoutHashes(metadata: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { prevHash: _prev, hash: _hash, ...rest } = metadata;
  return rest;
}

/** Stamps prevHash and hash on metadata that has already been through a JSON round trip. */
export function chainMetadata(
  prevHash: string,
  type: string,
  data: unknown,
  metadata: EventMetadataInput | Readonly<Record<string, unknown>>,
): EventMetadata {
  const bare = metadataWithoutHashes(metadata as Readonly<Record<string, unknown>>);
  const hash = computeEventHash(prevHash, { type, data, metadataWithoutHashes: bare });
  return { ...(bare as unknown as EventMetadataInput), prevHash, hash };
}

export interface BrokenLink {
  readonly stream: string;
  readonly revision: number;
  readonly position: Position;
  readonly expectedHash: string;
  readonly actualHash: string;
  readonly reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'revision_gap' | 'unreadable';
}

export type VerifyResult =
  | { readonly ok: true; readonly streams: number; readonly events: number }
  | { readonly ok: false; readonly streams: number; readonly events: number; readonly firstBroken: BrokenLink };

export interface VerifyProgress {
  readonly stream: string;
  readonly streams: number;
  readonly events: number;
}

const VERIFY_PAGE = 1000;

/**
 * Walks every stream in its stored shape and checks each link of the hash chain: revisions are
 * contiguous from 0, prevHash is the previous event's hash, and hash matches the content.
 * Stops at the first broken link.
 */
export async function verifyEventStore(
  store: EventStore,
  onProgress?: (progress: VerifyProgress) => void,
): Promise<VerifyResult> {
  let streams = 0;
  let events = 0;
  for await (const stream of store.listStreams()) {
    streams += 1;
    let expectedRevision = 0;
    let prevHash = GENESIS_HASH;
    for (;;) {
      let page: RecordedEvent[];
      try {
        page = await store.readStream(stream, { fromRevision: expectedRevision, maxCount: VERIFY_PAGE, raw: true });
      } catch (error) {
        if (!(error instanceof StoredEventUnreadableError)) throw error;
        const firstBroken: BrokenLink = {
          stream,
          revision: error.revision,
          position: error.position,
          expectedHash: prevHash,
          actualHash: '',
          reason: 'unreadable',
        };
        return { ok: false, streams, events, firstBroken };
      }
      for (const event of page) {
        const broken = checkLink(event, expectedRevision, prevHash);
        if (broken) return { ok: false, streams, events, firstBroken: broken };
        events += 1;
        expectedRevision += 1;
        prevHash = event.metadata.hash;
      }
      if (page.length < VERIFY_PAGE) break;
    }
    onProgress?.({ stream, streams, events });
  }
  return { ok: true, streams, events };
}

function checkLink(event: RecordedEvent, expectedRevision: number, prevHash: string): BrokenLink | undefined {
  const at = { stream: event.stream, revision: event.revision, position: event.position };
  if (event.revision !== expectedRevision) {
    // A deleted event leaves a hole in the revisions; name the first event after the hole.
    return { ...at, expectedHash: prevHash, actualHash: String(event.metadata?.prevHash), reason: 'revision_gap' };
  }
  const metadata = (event.metadata ?? {}) as unknown as Record<string, unknown>;
  if (metadata.prevHash !== prevHash) {
    return { ...at, expectedHash: prevHash, actualHash: String(metadata.prevHash), reason: 'prev_hash_mismatch' };
  }
  const recomputed = computeEventHash(prevHash, {
    type: event.type,
    data: event.data,
    metadataWithoutHashes: metadataWithoutHashes(metadata),
  });
  if (metadata.hash !== recomputed) {
    return { ...at, expectedHash: recomputed, actualHash: String(metadata.hash), reason: 'hash_mismatch' };
  }
  return undefined;
}
