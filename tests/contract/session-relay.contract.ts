import { agentEndpoint, type RelayPayload, type SessionRelay } from '../../application/ports/session-relay.port';

/** Two nodes on one relay: what a Redis-backed cluster is, and what one process must also be. */
export interface RelayNodes {
  readonly a: SessionRelay;
  readonly b: SessionRelay;
}

/** Waits (bounded) until `check` holds: messages arrive asynchronously. */
async function eventually(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Every byte value, then a run that is not UTF-8: a text round trip would change it. */
const ALL_BYTES = new Uint8Array([...Array.from({ length: 256 }, (_, i) => i), 0xc3, 0x28, 0xff, 0xfe, 0x00]);

const asBytes = (payload: RelayPayload): number[] | string => ('binary' in payload ? [...payload.binary] : payload.text);

/**
 * The SessionRelay contract: the memory and Redis relays route alike. `makeNodes` gives two relays
 * sharing one empty relay space; both are closed after each test.
 */
export function sessionRelayContract(name: string, makeNodes: () => Promise<RelayNodes>): void {
  describe(`SessionRelay contract: ${name}`, () => {
    let a: SessionRelay;
    let b: SessionRelay;

    beforeEach(async () => {
      ({ a, b } = await makeNodes());
    });

    afterEach(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    /**
     * Publishes `marker` from `from` once everything before it is on its way, and waits until
     * `seen` has it: whatever `to` would have got before the marker has arrived by then.
     */
    async function drain(from: SessionRelay, to: RelayPayload[], sessionId: string): Promise<void> {
      const marker = `marker-${Math.random()}`;
      from.publishToViewers(sessionId, { text: marker });
      await eventually(() => to.some((p) => 'text' in p && p.text === marker), `the marker on ${sessionId}`);
    }

    it('delivers a viewer payload to the listeners of every node, bytes unchanged, texts intact, in order', async () => {
      const onA: RelayPayload[] = [];
      const onB: RelayPayload[] = [];
      a.subscribeViewers('session-1', (p) => onA.push(p));
      b.subscribeViewers('session-1', (p) => onB.push(p));
      await Promise.all([a.ready(), b.ready()]);
      const big = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) & 0xff);
      const sent: RelayPayload[] = [{ binary: ALL_BYTES }, { text: '{"type":"state","name":"Zoë ✓ 😀"}' }, { binary: big }, { text: '' }];
      for (const payload of sent) a.publishToViewers('session-1', payload);
      await eventually(() => onA.length === 4 && onB.length === 4, 'four payloads on each node');
      expect(onA.map(asBytes)).toEqual(sent.map(asBytes));
      expect(onB.map(asBytes)).toEqual(sent.map(asBytes));
      expect(onB[0]).toHaveProperty('binary');
      expect(onB[1]).toHaveProperty('text');
    });

    it('never calls a listener from inside publish, and delivers a node’s own message to it exactly once', async () => {
      const onA: RelayPayload[] = [];
      const onB: RelayPayload[] = [];
      a.subscribeViewers('session-1', (p) => onA.push(p));
      b.subscribeViewers('session-1', (p) => onB.push(p));
      await Promise.all([a.ready(), b.ready()]);
      a.publishToViewers('session-1', { text: 'own' });
      expect(onA).toEqual([]);
      await eventually(() => onB.length === 1, 'the other node');
      // B publishes only after Redis has fanned out A's message: an echo to A would arrive before this.
      await drain(b, onA, 'session-1');
      expect(onA.map(asBytes)).toEqual(['own', expect.stringMatching(/^marker-/)]);
    });

    it('keeps sessions apart', async () => {
      const one: RelayPayload[] = [];
      const two: RelayPayload[] = [];
      b.subscribeViewers('session-1', (p) => one.push(p));
      b.subscribeViewers('session-2', (p) => two.push(p));
      await b.ready();
      a.publishToViewers('session-2', { text: 'for two' });
      await drain(a, one, 'session-1');
      await eventually(() => two.length === 1, 'session 2');
      expect(one.map(asBytes)).toEqual([expect.stringMatching(/^marker-/)]);
      expect(two.map(asBytes)).toEqual(['for two']);
    });

    it('routes agent texts to their endpoint only: the computer’s, or one participant’s', async () => {
      const computer: string[] = [];
      const sharer: string[] = [];
      const other: string[] = [];
      const viewers: RelayPayload[] = [];
      b.subscribeAgent(agentEndpoint('session-1', null), (t) => computer.push(t));
      b.subscribeAgent(agentEndpoint('session-1', 'participant-1'), (t) => sharer.push(t));
      a.subscribeAgent(agentEndpoint('session-1', 'participant-2'), (t) => other.push(t));
      b.subscribeViewers('session-1', (p) => viewers.push(p));
      await Promise.all([a.ready(), b.ready()]);
      a.publishToAgent(agentEndpoint('session-1', 'participant-1'), '{"type":"keyframe","sessionId":"session-1"}');
      b.publishToAgent(agentEndpoint('session-1', null), 'to the computer ✓');
      a.publishToAgent(agentEndpoint('session-1', 'participant-2'), 'first');
      a.publishToAgent(agentEndpoint('session-1', 'participant-2'), 'second');
      await eventually(() => sharer.length === 1 && computer.length === 1 && other.length === 2, 'the three endpoints');
      expect(sharer).toEqual(['{"type":"keyframe","sessionId":"session-1"}']);
      expect(computer).toEqual(['to the computer ✓']);
      expect(other).toEqual(['first', 'second']);
      await drain(a, viewers, 'session-1');
      expect(viewers).toHaveLength(1);
    });

    it('stops delivering to a listener once it unsubscribed, and keeps the node’s other listeners', async () => {
      const kept: RelayPayload[] = [];
      const dropped: RelayPayload[] = [];
      const droppedAgent: string[] = [];
      b.subscribeViewers('session-1', (p) => kept.push(p));
      const unsubscribe = b.subscribeViewers('session-1', (p) => dropped.push(p));
      const unsubscribeAgent = b.subscribeAgent('session-1', (t) => droppedAgent.push(t));
      await b.ready();
      unsubscribe();
      unsubscribeAgent();
      unsubscribe();
      await b.ready();
      a.publishToAgent('session-1', 'nobody');
      await drain(a, kept, 'session-1');
      expect(dropped).toEqual([]);
      expect(droppedAgent).toEqual([]);
    });

    it('delivers again after the last listener left and a new one came', async () => {
      const first: RelayPayload[] = [];
      const second: RelayPayload[] = [];
      b.subscribeViewers('session-1', (p) => first.push(p))();
      b.subscribeViewers('session-1', (p) => second.push(p));
      await b.ready();
      await drain(a, second, 'session-1');
      expect(first).toEqual([]);
    });

    it('treats one listener subscribed twice as two subscriptions', async () => {
      const seen: RelayPayload[] = [];
      const listener = (p: RelayPayload) => seen.push(p);
      b.subscribeViewers('session-1', listener);
      b.subscribeViewers('session-1', listener);
      await b.ready();
      a.publishToViewers('session-1', { text: 'twice' });
      await eventually(() => seen.length === 2, 'both subscriptions');
    });

    it('drops a message nobody listens to, without an error', async () => {
      expect(() => a.publishToViewers('session-9', { binary: ALL_BYTES })).not.toThrow();
      expect(() => a.publishToAgent(agentEndpoint('session-9', null), 'x')).not.toThrow();
      const late: RelayPayload[] = [];
      b.subscribeViewers('session-9', (p) => late.push(p));
      await b.ready();
      await drain(a, late, 'session-9');
      expect(late).toHaveLength(1);
    });

    it('delivers nothing to a closed node and refuses to publish from it', async () => {
      const seen: RelayPayload[] = [];
      const alive: RelayPayload[] = [];
      b.subscribeViewers('session-1', (p) => seen.push(p));
      a.subscribeViewers('session-1', (p) => alive.push(p));
      await Promise.all([a.ready(), b.ready()]);
      await b.close();
      await drain(a, alive, 'session-1');
      expect(seen).toEqual([]);
      expect(() => b.publishToViewers('session-1', { text: 'x' })).toThrow(/closed/);
    });
  });
}
