import { MemoryEventStore } from '../../adapters/eventstore-memory/memory-event-store.adapter';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('memory', async (options) => new MemoryEventStore(options));
