import { createHash, randomBytes } from 'node:crypto';
import type { RecordingChunkStored } from '../../domain/session/session.events';
import type { Principal } from '../../domain/shared/event';
import type { BlobStore } from '../../application/ports/blob-store.port';
import type { SessionRecordingView } from '../../application/contracts/session-history.contracts';
import type { SessionFacts } from '../../application/session/session-access.port';
import { GetRecordingChunkQuery, GetSessionRecordingQuery } from '../../application/session/session-recording.query';
import { sessionHistoryHarness, type SessionHistoryHarness } from '../../tests/kit/session-history-harness';
import { BlobSessionRecorder, recordingChunkKey, type RecorderLog, type SessionRecorderOptions } from './blob-session-recorder';

const owner: Principal = { kind: 'user', id: 'u-ann', tenantId: 'acct-1', role: 'owner' };
const T0 = Date.parse('2026-11-21T10:00:00.000Z');

/** The frames of a chunk: `[u32 BE offset][u32 BE length][bytes]…`. */
function framesOf(chunk: Buffer): { offset: number; frame: Buffer }[] {
  const frames: { offset: number; frame: Buffer }[] = [];
  for (let at = 0; at < chunk.length; ) {
    const offset = chunk.readUInt32BE(at);
    const length = chunk.readUInt32BE(at + 4);
    frames.push({ offset, frame: chunk.subarray(at + 8, at + 8 + length) });
    at += 8 + length;
  }
  return frames;
}

/** A log that keeps what it is told. */
function memoryLog() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const log: RecorderLog = {
    warn: (fields: Record<string, unknown>, message: string) => void lines.push({ level: 'warn', fields, message }),
    error: (fields: Record<string, unknown>, message: string) => void lines.push({ level: 'error', fields, message }),
  } as unknown as RecorderLog;
  return { log, lines };
}

/** The files blob store with its writes held until released (a recorder whose writing falls behind). */
function heldBlobs(real: BlobStore) {
  const held: (() => void)[] = [];
  let open = false;
  const blobs: BlobStore = {
    ...real,
    stat: (t, k) => real.stat(t, k),
    get: (t, k) => real.get(t, k),
    delete: (t, k) => real.delete(t, k),
    close: () => real.close(),
    put: async (t, k, d, m) => {
      if (!open) await new Promise<void>((resolve) => held.push(resolve));
      return real.put(t, k, d, m);
    },
  };
  return {
    blobs,
    held,
    release() {
      open = true;
      for (const go of held.splice(0)) go();
    },
  };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('BlobSessionRecorder (files blob store)', () => {
  let h: SessionHistoryHarness;
  let sequence = 0;

  beforeAll(async () => {
    h = await sessionHistoryHarness();
  });
  afterAll(() => h.close());
  afterEach(() => jest.useRealTimers());

  /** A new recorded session and its facts as the gateway would pass them. */
  async function recordedSession(recording = true): Promise<SessionFacts> {
    sequence += 1;
    const sessionId = `rec${sequence}`.padEnd(32, '0');
    await h.open(sessionId, owner, { recording });
    return { sessionId, tenantId: owner.tenantId, source: 'console', computerId: 'c1', computerName: 'Reception', sharer: null, recording, ended: false };
  }

  const recorder = (options: Partial<SessionRecorderOptions> = {}, blobs: BlobStore = h.blobs, log: RecorderLog = memoryLog().log) =>
    new BlobSessionRecorder(blobs, h.commands, { chunkMs: 1000, ...options }, log);

  async function chunks(sessionId: string): Promise<RecordingChunkStored['data'][]> {
    return (await h.store.readStream(`session-${sessionId}`)).filter((e) => e.type === 'RecordingChunkStored').map((e) => e.data as RecordingChunkStored['data']);
  }

  it('stores a chunk per period with each frame’s offset, and records its SHA-256 on the session', async () => {
    const facts = await recordedSession();
    const frames = [randomBytes(100), randomBytes(2000), randomBytes(7), randomBytes(50)];
    const r = recorder();
    r.record(facts, frames[0], T0);
    r.record(facts, frames[1], T0 + 100);
    r.record(facts, frames[2], T0 + 250);
    r.record(facts, frames[3], T0 + 1200);
    await r.finish(facts.sessionId);

    const stored = await chunks(facts.sessionId);
    expect(stored.map(({ chunk, blobKey, from, to, frames: count }) => ({ chunk, blobKey, from, to, frames: count }))).toEqual([
      { chunk: 0, blobKey: `recordings/${facts.sessionId}/0`, from: '2026-11-21T10:00:00.000Z', to: '2026-11-21T10:00:00.250Z', frames: 3 },
      { chunk: 1, blobKey: `recordings/${facts.sessionId}/1`, from: '2026-11-21T10:00:01.200Z', to: '2026-11-21T10:00:01.200Z', frames: 1 },
    ]);
    const first = (await h.blobs.get(owner.tenantId, recordingChunkKey(facts.sessionId, 0)))!.data;
    expect(framesOf(first)).toEqual([
      { offset: 0, frame: frames[0] },
      { offset: 100, frame: frames[1] },
      { offset: 250, frame: frames[2] },
    ]);
    expect(stored[0]).toMatchObject({ bytes: first.length, sha256: createHash('sha256').update(first).digest('hex') });
    const second = (await h.blobs.get(owner.tenantId, recordingChunkKey(facts.sessionId, 1)))!.data;
    expect(framesOf(second)).toEqual([{ offset: 0, frame: frames[3] }]);

    await h.settle();
    const played = await h.queries.execute<GetSessionRecordingQuery, SessionRecordingView>(new GetSessionRecordingQuery(owner, facts.sessionId, h.meta()));
    expect(played.chunks.map((c) => [c.chunk, c.frames, c.sha256])).toEqual(stored.map((c) => [c.chunk, c.frames, c.sha256]));
    expect(played.events.map((e) => e.type)).toEqual(['SessionOpened']);
    expect(await h.queries.execute(new GetRecordingChunkQuery(owner, facts.sessionId, 1, h.meta()))).toEqual(second);
  });

  it('cuts a chunk at 1 MB', async () => {
    const facts = await recordedSession();
    const r = recorder({ chunkMs: 60_000 });
    const frame = randomBytes(300 * 1024);
    for (let i = 0; i < 5; i++) r.record(facts, frame, T0 + i * 10);
    await r.finish(facts.sessionId);
    expect((await chunks(facts.sessionId)).map((c) => [c.chunk, c.frames])).toEqual([
      [0, 4],
      [1, 1],
    ]);
  });

  it('writes a chunk on time when no further frame comes', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const facts = await recordedSession();
    const r = recorder({ chunkMs: 10_000 });
    r.record(facts, randomBytes(10), T0);
    jest.advanceTimersByTime(9_999);
    await turns(20);
    expect(await chunks(facts.sessionId)).toEqual([]);
    jest.advanceTimersByTime(1);
    for (let i = 0; i < 1000 && (await chunks(facts.sessionId)).length === 0; i++) await turns(5);
    expect((await chunks(facts.sessionId)).map((c) => c.frames)).toEqual([1]);
    await r.close();
  });

  it('drops frames, and logs how many, when writing falls behind, instead of buffering them', async () => {
    const facts = await recordedSession();
    const slow = heldBlobs(h.blobs);
    const { log, lines } = memoryLog();
    const r = recorder({ chunkMs: 60_000, maxChunkBytes: 1000, maxSessionPendingBytes: 3000 }, slow.blobs, log);
    const frame = randomBytes(492);
    // 500 bytes a frame with its header: 2 frames a chunk, 6 frames fit in 3000 bytes.
    for (let i = 0; i < 20; i++) r.record(facts, frame, T0 + i);
    // The first write looks up its chunk number in the files store, then waits at its put; the others queue behind it.
    for (let i = 0; i < 2000 && slow.held.length === 0; i++) await turns(1);
    await turns(20);
    expect(slow.held.length).toBe(1);
    r.record(facts, frame, T0 + 100);
    slow.release();
    await r.finish(facts.sessionId);
    const stored = await chunks(facts.sessionId);
    expect(stored.reduce((sum, c) => sum + c.frames, 0)).toBe(6);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.fields)).toEqual([{ sessionId: facts.sessionId, dropped: 15 }]);
  });

  it('goes on numbering after the chunks already stored when the session resumes (another node, or the agent came back)', async () => {
    const facts = await recordedSession();
    for (let round = 0; round < 3; round++) {
      const r = recorder();
      r.record(facts, randomBytes(20), T0 + round * 5000);
      await r.finish(facts.sessionId);
    }
    expect((await chunks(facts.sessionId)).map((c) => c.chunk)).toEqual([0, 1, 2]);
  });

  it('records nothing for a session that is not recorded or has ended', async () => {
    const plain = await recordedSession(false);
    const recorded = await recordedSession();
    const r = recorder();
    r.record(plain, randomBytes(10), T0);
    r.record({ ...recorded, ended: true }, randomBytes(10), T0);
    await r.close();
    expect(await chunks(plain.sessionId)).toEqual([]);
    expect(await chunks(recorded.sessionId)).toEqual([]);
    expect(await h.blobs.stat(owner.tenantId, recordingChunkKey(plain.sessionId, 0))).toBeNull();
  });

  it('refuses to play a chunk whose blob changed after it was recorded', async () => {
    const facts = await recordedSession();
    const r = recorder();
    r.record(facts, randomBytes(10), T0);
    await r.finish(facts.sessionId);
    await h.blobs.put(owner.tenantId, recordingChunkKey(facts.sessionId, 0), randomBytes(18), { contentType: 'application/octet-stream', at: '2026-11-21T11:00:00Z' });
    await h.settle();
    await expect(h.queries.execute(new GetRecordingChunkQuery(owner, facts.sessionId, 0, h.meta()))).rejects.toMatchObject({ code: 'RECORDING_CHUNK_TAMPERED' });
    await expect(h.queries.execute(new GetRecordingChunkQuery(owner, facts.sessionId, 1, h.meta()))).rejects.toMatchObject({ code: 'RECORDING_CHUNK_NOT_FOUND' });
  });
});
