import type { PresenceMessage, PresenceStore } from '../../application/ports/presence.port';

/** Two nodes on one shared presence: what a Redis-backed cluster is, and what one process must also be. */
export interface PresenceNodes {
  readonly a: PresenceStore;
  readonly b: PresenceStore;
}

const T0 = '2025-01-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

/** Waits (bounded) until `check` holds: messages arrive asynchronously. */
async function eventually(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The PresenceStore contract: the memory and Redis stores record, expire, remove and fan out alike.
 * `makeNodes` gives two stores sharing one empty presence; both are closed after each test.
 */
export function presenceContract(name: string, makeNodes: () => Promise<PresenceNodes>): void {
  describe(`PresenceStore contract: ${name}`, () => {
    let a: PresenceStore;
    let b: PresenceStore;

    beforeEach(async () => {
      ({ a, b } = await makeNodes());
    });

    afterEach(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    const beat = (store: PresenceStore, computerId: string, seconds: number, nodeId = 'node-a', ip = '203.0.113.7') =>
      store.beat({ computerId, tenantId: 'tenant-1', nodeId, ip }, at(seconds));

    it('knows nothing of a computer that never beat', async () => {
      expect(await a.get('c1')).toBeNull();
      expect(await a.getMany(['c1', 'c2'])).toEqual(new Map());
      expect(await a.count()).toBe(0);
      expect(await a.lastSeenBefore(at(1000))).toEqual([]);
    });

    it('tells the first beat from the next ones, and which node held the computer before', async () => {
      expect(await beat(a, 'c1', 0)).toEqual({ first: true, previousNodeId: null });
      expect(await beat(a, 'c1', 30)).toEqual({ first: false, previousNodeId: 'node-a' });
      expect(await beat(b, 'c1', 60, 'node-b')).toEqual({ first: false, previousNodeId: 'node-a' });
    });

    it('keeps the last beat of each computer, seen alike from every node, to the millisecond', async () => {
      await beat(a, 'c1', 0);
      await a.beat({ computerId: 'c1', tenantId: 'tenant-1', nodeId: 'node-b', ip: '198.51.100.4' }, '2025-01-01T00:00:30.123Z');
      const expected = { computerId: 'c1', tenantId: 'tenant-1', nodeId: 'node-b', ip: '198.51.100.4', lastSeen: '2025-01-01T00:00:30.123Z' };
      expect(await a.get('c1')).toEqual(expected);
      expect(await b.get('c1')).toEqual(expected);
      await beat(b, 'c2', 5);
      const many = await b.getMany(['c1', 'missing', 'c2']);
      expect([...many.keys()].sort()).toEqual(['c1', 'c2']);
      expect(many.get('c2')).toMatchObject({ computerId: 'c2', lastSeen: at(5) });
      expect(await a.count()).toBe(2);
    });

    it('lists the computers last seen strictly before a cutoff, oldest first, up to a limit', async () => {
      await beat(a, 'c3', 30);
      await beat(a, 'c1', 10);
      await beat(b, 'c2', 20, 'node-b');
      await beat(a, 'c4', 40);
      expect((await a.lastSeenBefore(at(30))).map((e) => e.computerId)).toEqual(['c1', 'c2']);
      expect((await b.lastSeenBefore(at(31))).map((e) => e.computerId)).toEqual(['c1', 'c2', 'c3']);
      expect((await a.lastSeenBefore(at(100), 2)).map((e) => e.computerId)).toEqual(['c1', 'c2']);
      expect(await a.lastSeenBefore(at(10))).toEqual([]);
      const [oldest] = await a.lastSeenBefore(at(11));
      expect(oldest).toEqual({ computerId: 'c1', tenantId: 'tenant-1', nodeId: 'node-a', ip: '203.0.113.7', lastSeen: at(10) });
    });

    it('a heartbeat moves a computer out of the expired ones', async () => {
      await beat(a, 'c1', 0);
      await beat(a, 'c2', 0);
      await beat(b, 'c1', 50, 'node-b');
      expect((await a.lastSeenBefore(at(40))).map((e) => e.computerId)).toEqual(['c2']);
    });

    it('removes an entry; removing it again or an unknown one removes nothing', async () => {
      await beat(a, 'c1', 0);
      expect(await b.remove('c1')).toBe(true);
      expect(await a.get('c1')).toBeNull();
      expect(await a.remove('c1')).toBe(false);
      expect(await a.remove('never')).toBe(false);
      expect(await a.lastSeenBefore(at(100))).toEqual([]);
      expect(await beat(a, 'c1', 60)).toEqual({ first: true, previousNodeId: null });
    });

    it('keeps an entry that was seen since the sweep read it', async () => {
      await beat(a, 'c1', 0);
      const [candidate] = await a.lastSeenBefore(at(90));
      await beat(b, 'c1', 95, 'node-b');
      expect(await a.remove('c1', { ifLastSeen: candidate.lastSeen })).toBe(false);
      expect(await a.get('c1')).toMatchObject({ lastSeen: at(95), nodeId: 'node-b' });
      expect(await a.remove('c1', { ifLastSeen: at(95) })).toBe(true);
    });

    it('keeps an entry that another node holds now', async () => {
      await beat(a, 'c1', 0, 'node-a');
      await beat(b, 'c1', 1, 'node-b');
      expect(await a.remove('c1', { ifNodeId: 'node-a' })).toBe(false);
      expect(await a.get('c1')).not.toBeNull();
      expect(await b.remove('c1', { ifNodeId: 'node-b' })).toBe(true);
    });

    it('lets exactly one of several nodes sweeping at once remove an expired entry', async () => {
      await beat(a, 'c1', 0);
      const [candidate] = await b.lastSeenBefore(at(90));
      const outcomes = await Promise.all([a, b, a, b].map((store) => store.remove('c1', { ifLastSeen: candidate.lastSeen })));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });

    it('delivers every published message to the subscribers of every node, in order', async () => {
      const seenByA: PresenceMessage[] = [];
      const seenByB: PresenceMessage[] = [];
      a.subscribe((m) => seenByA.push(m));
      b.subscribe((m) => seenByB.push(m));
      const messages: PresenceMessage[] = [
        { type: 'presence', computerId: 'c1', tenantId: 'tenant-1', change: 'online', at: at(0) },
        { type: 'to-agent', computerId: 'c1', message: { type: 'rename', name: 'Reception PC' } },
        { type: 'disconnect', computerId: 'c1', code: 4401, reason: 'removed' },
        { type: 'presence', computerId: 'c1', tenantId: 'tenant-1', change: 'offline', at: at(90) },
      ];
      await a.publish(messages[0]);
      await b.publish(messages[1]);
      await b.publish(messages[2]);
      await a.publish(messages[3]);
      await eventually(() => seenByA.length === 4 && seenByB.length === 4, 'four messages on each node');
      // Order is per publisher; these were awaited one after the other, so the total order holds too.
      expect(seenByA).toEqual(messages);
      expect(seenByB).toEqual(messages);
    });

    it('stops delivering to a listener once it unsubscribed', async () => {
      const kept: PresenceMessage[] = [];
      const dropped: PresenceMessage[] = [];
      b.subscribe((m) => kept.push(m));
      const unsubscribe = b.subscribe((m) => dropped.push(m));
      unsubscribe();
      await a.publish({ type: 'to-agent', computerId: 'c9', message: { type: 'rename', name: 'x' } });
      await eventually(() => kept.length === 1, 'the kept listener');
      expect(dropped).toEqual([]);
    });

    it('hands each listener its own copy of a message', async () => {
      const first: PresenceMessage[] = [];
      const second: PresenceMessage[] = [];
      a.subscribe((m) => {
        (m as { computerId: string }).computerId = 'changed';
        first.push(m);
      });
      a.subscribe((m) => second.push(m));
      const message: PresenceMessage = { type: 'to-agent', computerId: 'c1', message: { type: 'rename', name: 'x' } };
      await b.publish(message);
      await eventually(() => first.length === 1 && second.length === 1, 'both listeners');
      expect(second[0]).toEqual(message);
      expect(message.computerId).toBe('c1');
    });
  });
}
