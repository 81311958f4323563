import { GridFSBucket, MongoClient, type Db, type GridFSFile } from 'mongodb';
import { assertBlobKey, type Blob, type BlobInfo, type BlobStore } from '../../application/ports/blob-store.port';

interface BlobMetadata {
  readonly tenantId: string;
  readonly key: string;
  readonly contentType: string;
  readonly updatedAt: string;
}

/** Largest blob read back into memory; screenshots are far smaller (the upload route allows 2 MB). */
const MAX_READ_BYTES = 64 * 1024 * 1024;

/**
 * Blobs in MongoDB GridFS (production, with MONGO_URL): one GridFS file per write, named
 * `<tenant>/<key>`; the newest upload of a name is its content and older ones are deleted after
 * the new one is complete, so a reader sees the old content or the new one.
 */
export class GridFsBlobStore implements BlobStore {
  private readonly bucket: GridFSBucket;

  private constructor(
    readonly db: Db,
    private readonly client: MongoClient | null,
    bucketName: string,
  ) {
    this.bucket = new GridFSBucket(db, { bucketName });
  }

  static async connect(url: string, dbName: string, bucketName = 'blobs'): Promise<GridFsBlobStore> {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    const store = new GridFsBlobStore(client.db(dbName), client, bucketName);
    await store.db.collection(`${bucketName}.files`).createIndex({ filename: 1, uploadDate: -1 });
    return store;
  }

  async put(tenantId: string, key: string, data: Buffer, meta: { readonly contentType: string; readonly at: string }): Promise<BlobInfo> {
    const filename = nameOf(tenantId, key);
    const metadata: BlobMetadata = { tenantId, key, contentType: meta.contentType, updatedAt: new Date(Date.parse(meta.at)).toISOString() };
    const upload = this.bucket.openUploadStream(filename, { metadata });
    await new Promise<void>((resolve, reject) => {
      upload.once('error', reject);
      upload.once('finish', () => resolve());
      upload.end(data);
    });
    const older = await this.bucket.find({ filename, _id: { $ne: upload.id } }).toArray();
    for (const file of older) await this.bucket.delete(file._id).catch(() => undefined);
    return { key, contentType: metadata.contentType, size: data.length, updatedAt: metadata.updatedAt };
  }

  async get(tenantId: string, key: string): Promise<Blob | null> {
    const file = await this.latest(tenantId, key);
    if (!file) return null;
    if (file.length > MAX_READ_BYTES) throw new Error(`Blob ${key} is larger than ${MAX_READ_BYTES} bytes`);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of this.bucket.openDownloadStream(file._id)) chunks.push(chunk as Buffer);
    } catch (error) {
      // Replaced (and deleted) while we read it: the newer content is the answer.
      if ((error as { code?: string }).code === 'ENOENT') return this.get(tenantId, key);
      throw error;
    }
    return { info: infoOf(key, file), data: Buffer.concat(chunks) };
  }

  async stat(tenantId: string, key: string): Promise<BlobInfo | null> {
    const file = await this.latest(tenantId, key);
    return file ? infoOf(key, file) : null;
  }

  async delete(tenantId: string, key: string): Promise<boolean> {
    const files = await this.bucket.find({ filename: nameOf(tenantId, key) }).toArray();
    for (const file of files) await this.bucket.delete(file._id).catch(() => undefined);
    return files.length > 0;
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  private async latest(tenantId: string, key: string): Promise<GridFSFile | null> {
    const [file] = await this.bucket.find({ filename: nameOf(tenantId, key) }, { sort: { uploadDate: -1, _id: -1 }, limit: 1 }).toArray();
    return file ?? null;
  }
}

function nameOf(tenantId: string, key: string): string {
  assertBlobKey(tenantId, key);
  return `${tenantId}/${key}`;
}

function infoOf(key: string, file: GridFSFile): BlobInfo {
  const metadata = file.metadata as BlobMetadata | undefined;
  return {
    key,
    contentType: metadata?.contentType ?? 'application/octet-stream',
    size: file.length,
    updatedAt: metadata?.updatedAt ?? file.uploadDate.toISOString(),
  };
}
