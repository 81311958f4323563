import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { blobStoreContract } from './blob-store.contract';
import { FileBlobStore } from '../../adapters/blobs/file-blob-store.adapter';

const roots = new Map<FileBlobStore, string>();

blobStoreContract(
  'files',
  async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'switchboard-blobs-'));
    const store = await FileBlobStore.open(path.join(root, 'blobs'));
    roots.set(store, root);
    return store;
  },
  async (store) => {
    await rm(roots.get(store as FileBlobStore)!, { recursive: true, force: true });
  },
);

describe('FileBlobStore files', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'switchboard-blobs-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps one file per blob under <tenant>/<key>.blob and no temporary file after a write', async () => {
    const store = await FileBlobStore.open(root);
    await store.put('t1', 'screenshots/c1', Buffer.from('x'), { contentType: 'image/png', at: '2025-01-01T00:00:00.000Z' });
    await store.put('t1', 'screenshots/c1', Buffer.from('y'), { contentType: 'image/png', at: '2025-01-01T00:00:00.000Z' });
    expect(await readdir(path.join(root, 't1', 'screenshots'))).toEqual(['c1.blob']);
  });

  it('refuses a file that is not a blob rather than serving it', async () => {
    const store = await FileBlobStore.open(root);
    await store.put('t1', 'screenshots/c1', Buffer.from('x'), { contentType: 'image/png', at: '2025-01-01T00:00:00.000Z' });
    await writeFile(path.join(root, 't1', 'screenshots', 'c1.blob'), 'hello');
    await expect(store.get('t1', 'screenshots/c1')).rejects.toThrow(/not a blob file/);
  });
});
