import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { assertBlobKey, type Blob, type BlobInfo, type BlobStore } from '../../application/ports/blob-store.port';

/** First bytes of every blob file, then a 4-byte big-endian header length, the JSON header and the content. */
const MAGIC = Buffer.from('SWBLOB1\n', 'latin1');
const PREFIX_BYTES = MAGIC.length + 4;
const MAX_HEADER_BYTES = 4096;

interface Header {
  readonly contentType: string;
  readonly size: number;
  readonly updatedAt: string;
}

/**
 * The embedded blob store: one file per blob under DATA_DIR/blobs/<tenant>/<key>.blob, holding a
 * small header (content type, size, time) before the content, so that info and content change
 * together. A write goes to a temporary file renamed over the old one: readers never see half a blob.
 */
export class FileBlobStore implements BlobStore {
  private constructor(readonly root: string) {}

  static async open(root: string): Promise<FileBlobStore> {
    await fs.mkdir(root, { recursive: true });
    return new FileBlobStore(path.resolve(root));
  }

  async put(tenantId: string, key: string, data: Buffer, meta: { readonly contentType: string; readonly at: string }): Promise<BlobInfo> {
    const file = this.fileOf(tenantId, key);
    const header: Header = { contentType: meta.contentType, size: data.length, updatedAt: new Date(Date.parse(meta.at)).toISOString() };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(headerBytes.length);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temp, Buffer.concat([MAGIC, length, headerBytes, data]));
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    return { key, ...header };
  }

  async get(tenantId: string, key: string): Promise<Blob | null> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.fileOf(tenantId, key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const { header, offset } = parseHeader(bytes, key);
    if (bytes.length < offset + header.size) throw new Error(`Blob ${key} is truncated`);
    return { info: { key, ...header }, data: bytes.subarray(offset, offset + header.size) };
  }

  async stat(tenantId: string, key: string): Promise<BlobInfo | null> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.fileOf(tenantId, key), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const buffer = Buffer.alloc(PREFIX_BYTES + MAX_HEADER_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      return { key, ...parseHeader(buffer.subarray(0, bytesRead), key).header };
    } finally {
      await handle.close();
    }
  }

  async delete(tenantId: string, key: string): Promise<boolean> {
    try {
      await fs.unlink(this.fileOf(tenantId, key));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async close(): Promise<void> {}

  private fileOf(tenantId: string, key: string): string {
    assertBlobKey(tenantId, key);
    const file = path.join(this.root, tenantId, `${key}.blob`);
    // assertBlobKey already refuses traversal; this keeps the promise even if its rules change.
    if (!file.startsWith(this.root + path.sep)) throw new RangeError(`Invalid blob key: ${JSON.stringify(key)}`);
    return file;
  }
}

function parseHeader(bytes: Buffer, key: string): { header: Header; offset: number } {
  if (bytes.length < PREFIX_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error(`Blob ${key} is not a blob file`);
  }
  const length = bytes.readUInt32BE(MAGIC.length);
  if (length > MAX_HEADER_BYTES || bytes.length < PREFIX_BYTES + length) throw new Error(`Blob ${key} has a damaged header`);
  const header = JSON.parse(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + length).toString('utf8')) as Header;
  return { header, offset: PREFIX_BYTES + length };
}
