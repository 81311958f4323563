import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { BLOB_STORE, type BlobStore } from '../../application/ports/blob-store.port';
import { RecordRecordingChunkCommand, recorderPrincipal } from '../../application/session/record-recording-chunk.command';
import type { SessionFacts, SessionRecorder } from '../../application/session/session-access.port';

export const SESSION_RECORDER_OPTIONS = Symbol('SessionRecorderOptions');

export interface SessionRecorderOptions {
  /** A chunk is written this long after its first frame (RECORDING_CHUNK_MS)… */
  readonly chunkMs: number;
  /** …or as soon as it holds this many bytes. */
  readonly maxChunkBytes?: number;
  /** Bytes of one session buffered or being written beyond which its frames are dropped. */
  readonly maxSessionPendingBytes?: number;
  /** The same bound over every session of this node. */
  readonly maxPendingBytes?: number;
}

export const RECORDING_CHUNK_MAX_BYTES = 1024 * 1024;
const DEFAULT_SESSION_PENDING = 4 * RECORDING_CHUNK_MAX_BYTES;
const DEFAULT_PENDING = 64 * RECORDING_CHUNK_MAX_BYTES;
/** Bytes before each frame in a chunk: its offset from the chunk's start (ms) and its length, u32 BE each. */
const FRAME_HEADER_BYTES = 8;
const U32_MAX = 0xffff_ffff;

export type RecorderLog = Pick<Logger, 'warn' | 'error'>;
/** Where the recorder logs (a Nest logger named `session-recorder` unless provided). */
export const SESSION_RECORDER_LOG = Symbol('SessionRecorderLog');

/** Blob key of a session's chunk n. */
export const recordingChunkKey = (sessionId: string, chunk: number): string => `recordings/${sessionId}/${chunk}`;

/** One session's recording on this node: the chunk being filled and the writes under way. */
interface Recording {
  readonly facts: SessionFacts;
  /** Number of the next chunk to store; null until this node has looked at what the session already has. */
  nextChunk: number | null;
  parts: Buffer[];
  bytes: number;
  frames: number;
  startMs: number;
  lastMs: number;
  /** Bytes of this session in writes not finished yet. */
  writingBytes: number;
  /** The chunks are stored one after another, in order. */
  writes: Promise<void>;
  timer: ReturnType<typeof setTimeout> | null;
  dropped: number;
}

/**
 * Records sessions' screen frames into the blob store: per session, frames are buffered as
 * `[u32 BE ms offset from the chunk's start][u32 BE length][frame bytes]…` and a chunk is written
 * every `chunkMs` or 1 MB (and at the end) under `recordings/<sessionId>/<n>`, then recorded on the
 * session's stream with its SHA-256. Memory stays bounded: when writing falls behind, frames are
 * dropped and their count logged, rather than queued.
 */
@Injectable()
export class BlobSessionRecorder implements SessionRecorder, OnModuleDestroy {
  private readonly recordings = new Map<string, Recording>();
  private pendingBytes = 0;
  private readonly maxChunkBytes: number;
  private readonly maxSessionPending: number;
  private readonly maxPending: number;

  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly commands: CommandBus,
    @Inject(SESSION_RECORDER_OPTIONS) private readonly options: SessionRecorderOptions,
    @Optional() @Inject(SESSION_RECORDER_LOG) private readonly log: RecorderLog = new Logger('session-recorder'),
  ) {
    this.maxChunkBytes = options.maxChunkBytes ?? RECORDING_CHUNK_MAX_BYTES;
    this.maxSessionPending = options.maxSessionPendingBytes ?? DEFAULT_SESSION_PENDING;
    this.maxPending = options.maxPendingBytes ?? DEFAULT_PENDING;
  }

  record(facts: SessionFacts, frame: Uint8Array, atMs: number): void {
    if (!facts.recording || facts.ended) return;
    const recording = this.recordingOf(facts);
    if (recording.frames > 0 && atMs - recording.startMs >= this.options.chunkMs) this.flush(recording);
    const size = FRAME_HEADER_BYTES + frame.length;
    if (recording.bytes + recording.writingBytes + size > this.maxSessionPending || this.pendingBytes + size > this.maxPending) {
      recording.dropped += 1;
      return;
    }
    if (recording.frames === 0) this.startChunk(recording, atMs);
    const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
    header.writeUInt32BE(Math.min(U32_MAX, Math.max(0, Math.round(atMs - recording.startMs))), 0);
    header.writeUInt32BE(frame.length, 4);
    // A copy: the caller's buffer may be reused for the next frame.
    recording.parts.push(header, Buffer.from(frame));
    recording.bytes += size;
    recording.frames += 1;
    recording.lastMs = Math.max(recording.lastMs, atMs);
    this.pendingBytes += size;
    if (recording.bytes >= this.maxChunkBytes) this.flush(recording);
  }

  async finish(sessionId: string): Promise<void> {
    const recording = this.recordings.get(sessionId);
    if (!recording) return;
    this.flush(recording);
    this.recordings.delete(sessionId);
    await recording.writes;
  }

  async close(): Promise<void> {
    await Promise.all([...this.recordings.keys()].map((sessionId) => this.finish(sessionId)));
  }

  /** Before the stores close at shutdown: the last chunks are written and recorded. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  private recordingOf(facts: SessionFacts): Recording {
    let recording = this.recordings.get(facts.sessionId);
    if (!recording) {
      recording = { facts, nextChunk: null, parts: [], bytes: 0, frames: 0, startMs: 0, lastMs: 0, writingBytes: 0, writes: Promise.resolve(), timer: null, dropped: 0 };
      this.recordings.set(facts.sessionId, recording);
    }
    return recording;
  }

  private startChunk(recording: Recording, atMs: number): void {
    recording.startMs = atMs;
    recording.lastMs = atMs;
    // A session whose screen stops changing still gets its chunk written on time.
    recording.timer = setTimeout(() => this.flush(recording), this.options.chunkMs);
    recording.timer.unref?.();
  }

  /** Hands the chunk being filled to the writes (if it holds anything) and starts an empty one. */
  private flush(recording: Recording): void {
    if (recording.timer) clearTimeout(recording.timer);
    recording.timer = null;
    if (recording.dropped > 0) {
      this.log.warn({ sessionId: recording.facts.sessionId, dropped: recording.dropped }, 'recording fell behind: frames dropped');
      recording.dropped = 0;
    }
    if (recording.frames === 0) return;
    const chunk = {
      data: Buffer.concat(recording.parts, recording.bytes),
      frames: recording.frames,
      from: new Date(recording.startMs).toISOString(),
      to: new Date(recording.lastMs).toISOString(),
    };
    recording.parts = [];
    recording.bytes = 0;
    recording.frames = 0;
    recording.writingBytes += chunk.data.length;
    recording.writes = recording.writes.then(() => this.store(recording, chunk));
  }

  /** Writes one chunk and records it; a failure is logged (the chunk is lost) and the next chunks go on. */
  private async store(recording: Recording, chunk: { data: Buffer; frames: number; from: string; to: string }): Promise<void> {
    const { sessionId, tenantId } = recording.facts;
    let number: number | null = null;
    try {
      number = await this.freeChunkNumber(recording);
      const blobKey = recordingChunkKey(sessionId, number);
      await this.blobs.put(tenantId, blobKey, chunk.data, { contentType: 'application/octet-stream', at: chunk.to });
      recording.nextChunk = number + 1;
      const data = {
        chunk: number,
        blobKey,
        from: chunk.from,
        to: chunk.to,
        frames: chunk.frames,
        bytes: chunk.data.length,
        sha256: createHash('sha256').update(chunk.data).digest('hex'),
      };
      const correlationId = randomUUID();
      await this.commands.execute(new RecordRecordingChunkCommand(recorderPrincipal(tenantId), sessionId, data, { correlationId, source: { channel: 'system' } }));
    } catch (error) {
      this.log.error({ err: error, sessionId, chunk: number }, 'recording chunk not stored');
    } finally {
      recording.writingBytes -= chunk.data.length;
      this.pendingBytes -= chunk.data.length;
    }
  }

  /**
   * The number of the next chunk, never one that holds a blob already: a session's recording may
   * resume on this node (its agent came back) after chunks this or another node stored.
   */
  private async freeChunkNumber(recording: Recording): Promise<number> {
    const { tenantId, sessionId } = recording.facts;
    const exists = async (n: number) => (await this.blobs.stat(tenantId, recordingChunkKey(sessionId, n))) !== null;
    let n = recording.nextChunk ?? (await firstMissing(exists));
    while (await exists(n)) n += 1;
    return n;
  }
}

/** The first n for which `exists` is false, when it holds for 0..k-1 and not beyond: doubling, then bisecting. */
async function firstMissing(exists: (n: number) => Promise<boolean>): Promise<number> {
  if (!(await exists(0))) return 0;
  let low = 0;
  let high = 1;
  while (await exists(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await exists(middle)) low = middle;
    else high = middle;
  }
  return high;
}
