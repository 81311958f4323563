import { ProjectionRunner } from '../../../../application/projections/projection-runner';
import type { Doc } from '../../../../application/ports/read-store.port';
import { MemoryEventStore } from '../../../../adapters/eventstore-memory/memory-event-store.adapter';
import { MemoryReadStore } from '../../../../adapters/readstore-memory/memory-read-store.adapter';
import { EVERY_EVENT_TYPE, collectionName, eventTypeFilter, type Projection } from '../../../../read-models/projection';
import { ManualClock, appendEach, counterEvent, counterProjection } from '../../../kit/counter-projection';

interface SeenDoc extends Doc {
  readonly type: string;
}

/** One document per event, whatever its type. */
const everyEvent: Projection<SeenDoc> = {
  name: 'every-event',
  version: 1,
  canHandle: [EVERY_EVENT_TYPE],
  docId: (event) => event.metadata.eventId,
  evolve: (_doc, event) => ({ id: event.metadata.eventId, tenantId: event.metadata.tenantId, type: event.type }),
};

describe("projection runner: canHandle ['*']", () => {
  const runners: ProjectionRunner[] = [];
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });

  it('feeds every event type to a projection that asks for all, and only its own to the others', async () => {
    const events = new MemoryEventStore();
    const store = new MemoryReadStore();
    const runner = new ProjectionRunner({
      eventStore: events,
      readStore: store,
      projections: [everyEvent, counterProjection()],
      clock: new ManualClock(),
      batchSize: 2,
    });
    runners.push(runner);
    const positions = await appendEach(events, [
      counterEvent('CounterIncremented', { counterId: 'c1', by: 2 }),
      counterEvent('SomethingNobodyKnows', { counterId: 'c1', by: 100 }),
      counterEvent('AccountRenamed', { accountId: 'a1', name: 'X' }, 'tenant-b'),
    ]);
    await runner.start();
    const head = positions[positions.length - 1];
    await runner.waitFor('every-event', head, 5000);
    await runner.waitFor('counter', head, 5000);

    const seenA = await store.forTenant('tenant-a').collection<SeenDoc>(collectionName('every-event', 1)).find({}, { sort: { type: 1 } });
    const seenB = await store.forTenant('tenant-b').collection<SeenDoc>(collectionName('every-event', 1)).find({});
    expect(seenA.map((d) => d.type)).toEqual(['CounterIncremented', 'SomethingNobodyKnows']);
    expect(seenB.map((d) => d.type)).toEqual(['AccountRenamed']);
    const counter = await store.forTenant('tenant-a').collection<Doc & { count: number }>(collectionName('counter', 1)).get('c1');
    expect(counter?.count).toBe(2);
  });

  it("refuses '*' mixed with named types, which would read as a partial list", () => {
    expect(() => eventTypeFilter(['*', 'AccountRenamed'])).toThrow(/must stand alone/);
    expect(
      () =>
        new ProjectionRunner({
          eventStore: new MemoryEventStore(),
          readStore: new MemoryReadStore(),
          projections: [{ ...everyEvent, canHandle: ['AccountRenamed', '*'] }],
          clock: new ManualClock(),
        }),
    ).toThrow(/must stand alone/);
  });

  it('keeps named lists exact', () => {
    const handles = eventTypeFilter(['AccountRenamed']);
    expect(handles('AccountRenamed')).toBe(true);
    expect(handles('AccountClosed')).toBe(false);
    expect(handles('*')).toBe(false);
  });
});
