import { MemoryReadStore } from '../../adapters/readstore-memory/memory-read-store.adapter';
import { readStoreContract } from './read-store.contract';

readStoreContract('memory (mingo)', async () => MemoryReadStore.open());
