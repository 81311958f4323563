import { EventStoreDbEventStore } from '../../adapters/eventstoredb/eventstoredb-event-store.adapter';
import { eventStoreContract } from './event-store.contract';

const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract('eventstoredb', async (options) => EventStoreDbEventStore.connect({ url, ...options }));
} else {
  console.warn('EventStoreDB contract suite SKIPPED: set EVENTSTORE_URL (e.g. esdb://localhost:2113?tls=false) to run it');
  describe.skip('EventStore contract: eventstoredb (SKIPPED: EVENTSTORE_URL is not set)', () => {
    it('needs a running EventStoreDB server', () => undefined);
  });
}
