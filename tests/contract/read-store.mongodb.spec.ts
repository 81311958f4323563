import { randomBytes } from 'node:crypto';
import { MongoReadStore } from '../../adapters/mongodb/mongo-read-store.adapter';
import type { ReadStore } from '../../application/ports/read-store.port';
import { readStoreContract } from './read-store.contract';

const url = process.env.MONGO_URL;

if (url) {
  // A fresh database per test, dropped afterwards: the contract expects an empty store each time.
  readStoreContract(
    'MongoDB',
    () => MongoReadStore.connect(url, `switchboard_contract_${randomBytes(6).toString('hex')}`),
    async (store: ReadStore) => {
      await (store as MongoReadStore).db.dropDatabase();
    },
  );
} else {
  console.warn('MongoDB read-store contract suite SKIPPED: set MONGO_URL (e.g. mongodb://127.0.0.1:27017) to run it');
  describe.skip('ReadStore contract: MongoDB (SKIPPED: MONGO_URL is not set)', () => {
    it('needs a MongoDB server', () => undefined);
  });
}
