import { randomBytes } from 'node:crypto';
import { blobStoreContract } from './blob-store.contract';
import { GridFsBlobStore } from '../../adapters/blobs/gridfs-blob-store.adapter';

const url = process.env.MONGO_URL;

if (url) {
  // A fresh database per test, dropped afterwards: the contract expects an empty store each time.
  blobStoreContract(
    'GridFS',
    () => GridFsBlobStore.connect(url, `switchboard_blobs_${randomBytes(6).toString('hex')}`),
    async (store) => {
      await (store as GridFsBlobStore).db.dropDatabase();
    },
  );
} else {
  console.warn('GridFS blob-store contract suite SKIPPED: set MONGO_URL (e.g. mongodb://127.0.0.1:27017) to run it');
  describe.skip('BlobStore contract: GridFS (SKIPPED: MONGO_URL is not set)', () => {
    it('needs a MongoDB server', () => undefined);
  });
}
