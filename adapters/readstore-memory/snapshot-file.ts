import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { DataFileError } from '../../application/errors';

/**
 * Snapshot file layout: 8-byte magic, 32-byte SHA-256 of the payload, 8-byte payload length, payload
 * (`v8.serialize`). The checksum and length catch a torn or corrupted file before anything is trusted.
 */
const MAGIC = Buffer.from('SBRSNAP1', 'ascii');
const HEADER_BYTES = MAGIC.length + 32 + 8;

/** Reads and verifies a snapshot; `null` when the file does not exist. Any other problem is a DataFileError. */
export async function readSnapshotFile(file: string): Promise<unknown | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataFileError(file, `it cannot be read (${(error as Error).message})`);
  }
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new DataFileError(file, 'it is not a read-store snapshot (bad header)');
  }
  const checksum = bytes.subarray(MAGIC.length, MAGIC.length + 32);
  const length = bytes.readBigUInt64BE(MAGIC.length + 32);
  const payload = bytes.subarray(HEADER_BYTES);
  if (BigInt(payload.length) !== length) {
    throw new DataFileError(file, `it is truncated or torn (${payload.length} of ${length} payload bytes)`);
  }
  if (!createHash('sha256').update(payload).digest().equals(checksum)) {
    throw new DataFileError(file, 'its checksum does not match (corrupted)');
  }
  try {
    return v8.deserialize(payload);
  } catch (error) {
    throw new DataFileError(file, `its payload cannot be decoded (${(error as Error).message})`);
  }
}

/** Writes a snapshot atomically: a temp file beside it, fsync, rename over the old one, fsync the directory. */
export async function writeSnapshotFile(file: string, value: unknown): Promise<void> {
  const payload = v8.serialize(value);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  createHash('sha256').update(payload).digest().copy(header, MAGIC.length);
  header.writeBigUInt64BE(BigInt(payload.length), MAGIC.length + 32);
  const tmp = `${file}.tmp`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  const handle = await fs.open(tmp, 'w');
  try {
    await writeAll(handle, header);
    await writeAll(handle, payload);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  await syncDirectory(path.dirname(file));
}

/** A single write may be partial for large buffers; loop until every byte is written. */
async function writeAll(handle: fs.FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** Makes the rename itself durable; some platforms cannot open a directory, where this is best effort. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    return;
  } finally {
    await handle?.close();
  }
}
