import { MemoryKeyStore } from '../../adapters/crypto-shredding/memory-key-store.adapter';
import { keyStoreContract } from './key-store.contract';

keyStoreContract('memory', async () => {
  const store = new MemoryKeyStore();
  return { store, cleanup: () => store.close() };
});
