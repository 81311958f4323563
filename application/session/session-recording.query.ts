import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { RecordingChunkStored } from '../../domain/session/session.events';
import type { Principal } from '../../domain/shared/event';
import { summarize } from '../../read-models/audit-log/audit-summary';
import type { RecordingChunkView, SessionRecordingView } from '../contracts/session-history.contracts';
import { ApplicationError } from '../errors';
import type { CommandMeta } from '../handle-command';
import { BLOB_STORE, type BlobStore } from '../ports/blob-store.port';
import type { RecordedEvent } from '../ports/event-store.port';
import { VisibleSessions } from './get-session.query';

const chunksOf = (events: readonly RecordedEvent[]): RecordingChunkStored['data'][] =>
  events.filter((e) => e.type === 'RecordingChunkStored').map((e) => e.data as RecordingChunkStored['data']);

/** SHA-256 (hex) with the web-standard global, as the application layer imports no Node API. */
async function sha256Hex(data: Uint8Array): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', data)).toString('hex');
}

/** What the player needs: the chunks in order, and the session's events on the same timeline. */
export class GetSessionRecordingQuery {
  constructor(
    readonly principal: Principal,
    readonly sessionId: string,
    readonly meta: CommandMeta,
  ) {}
}

@QueryHandler(GetSessionRecordingQuery)
export class GetSessionRecordingHandler implements IQueryHandler<GetSessionRecordingQuery, SessionRecordingView> {
  constructor(private readonly sessions: VisibleSessions) {}

  async execute({ principal, sessionId, meta }: GetSessionRecordingQuery): Promise<SessionRecordingView> {
    const events = await this.sessions.stream(await this.sessions.row(principal, sessionId, meta));
    const chunks: RecordingChunkView[] = chunksOf(events).map(({ chunk, from, to, frames, bytes, sha256 }) => ({ chunk, from, to, frames, bytes, sha256 }));
    const timeline = events
      .filter((e) => e.type !== 'RecordingChunkStored')
      .map((e) => ({ type: e.type, at: e.metadata.occurredAt, summary: summarize(e.type, e.data) }));
    return { chunks, events: timeline };
  }
}

/**
 * One stored chunk's bytes, checked against the SHA-256 its event recorded: a blob changed after
 * the fact is refused rather than played as if it were the session.
 */
export class GetRecordingChunkQuery {
  constructor(
    readonly principal: Principal,
    readonly sessionId: string,
    readonly chunk: number,
    readonly meta: CommandMeta,
  ) {}
}

@QueryHandler(GetRecordingChunkQuery)
export class GetRecordingChunkHandler implements IQueryHandler<GetRecordingChunkQuery, Buffer> {
  constructor(
    private readonly sessions: VisibleSessions,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  async execute({ principal, sessionId, chunk, meta }: GetRecordingChunkQuery): Promise<Buffer> {
    const doc = await this.sessions.row(principal, sessionId, meta);
    const stored = chunksOf(await this.sessions.stream(doc)).find((c) => c.chunk === chunk);
    if (!stored) throw new ApplicationError('RECORDING_CHUNK_NOT_FOUND', 'This session has no such recording chunk');
    const blob = await this.blobs.get(doc.tenantId, stored.blobKey);
    if (!blob) throw new ApplicationError('RECORDING_CHUNK_NOT_FOUND', 'The recording chunk is gone from the blob store');
    if ((await sha256Hex(blob.data)) !== stored.sha256) {
      throw new ApplicationError('RECORDING_CHUNK_TAMPERED', `Recording chunk ${chunk} does not match the SHA-256 recorded for it`);
    }
    return blob.data;
  }
}
