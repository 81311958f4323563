import { createHash, hash as oneShotHash } from 'node:crypto';
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
  // Plain loops and one growing string: this runs for every appended and every verified event.
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const member = canonicalMember(keys[i], record[keys[i]]);
    if (member === undefined) continue;
    text += text.length === 1 ? member : `,${member}`;
  }
  return `${text}}`;
}

/** `"key":value`, or undefined for the values JSON.stringify drops from objects. */
function canonicalMember(key: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  return `${JSON.stringify(key)}:${canonicalJson(value)}`;
}

export interface HashedContent {
  readonly type: string;
  readonly data: unknown;
  readonly metadataWithoutHashes: unknown;
}

/** SHA-256 (hex) over the previous hash and the canonical JSON of type, data and metadata without hashes. */
export function computeEventHash(prevHash: string, content: HashedContent): string {
  // canonicalJson({ type, data, metadata }) written out: its keys sort as data, metadata, type.
  let body = '{';
  const data = canonicalMember('data', content.data);
  if (data !== undefined) body += data;
  const metadata = canonicalMember('metadata', content.metadataWithoutHashes);
  if (metadata !== undefined) body += body.length === 1 ? metadata : `,${metadata}`;
  const type = canonicalMember('type', content.type);
  if (type !== undefined) body += body.length === 1 ? type : `,${type}`;
  body += '}';
  // One-shot hash of the concatenation: the same bytes as two updates (UTF-8 of a hex string, then
  // of the body) without a Hash object; anything but a string keeps the two updates and their errors.
  if (typeof prevHash === 'string') return oneShotHash('sha256', prevHash + body, 'hex');
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** Metadata minus the two chain fields: what the hash covers. */
export function metadataWithoutHashes(metadata: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { prevHash: _prev, hash: _hash, ...rest } = metadata;
  return rest;
}

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);

/**
 * Metadata that a copy without prevHash and hash would not change: a plain object (an inherited
 * toJSON would be lost by the copy) without either field of its own.
 */
export function hasNoChainFields(metadata: object): boolean {
  const proto = Object.getPrototypeOf(metadata) as unknown;
  return (proto === Object.prototype || proto === null) && !hasOwn(metadata, 'prevHash') && !hasOwn(metadata, 'hash');
}

/** Stamps prevHash and hash on metadata that has already been through a JSON round trip. */
export function chainMetadata(
  prevHash: string,
  type: string,
  data: unknown,
  metadata: EventMetadataInput | Readonly<Record<string, unknown>>,
): EventMetadata {
  const record = metadata as Readonly<Record<string, unknown>>;
  // A plain object without chain fields hashes the same as its copy without them: skip the copy.
  const bare = hasNoChainFields(record) ? record : metadataWithoutHashes(record);
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
