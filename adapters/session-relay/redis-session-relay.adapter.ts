import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { RelayPayload, SessionRelay } from '../../application/ports/session-relay.port';
import { redactUrl } from '../presence/redis-presence-store.adapter';

export interface RedisSessionRelayOptions {
  /** Prepended to every channel, so that several deployments or test runs share one Redis. */
  readonly prefix: string;
  /** Tags what this node publishes, so that it does not deliver its own messages a second time. */
  readonly nodeId?: string;
}

const KIND_TEXT = 0;
const KIND_BINARY = 1;

type Listener = (payload: RelayPayload) => void;

/**
 * The session relay across nodes through Redis pub/sub (REDIS_URL), binary-safe: one channel per
 * session's viewer side (`<prefix>v:<sessionId>`) and per agent endpoint (`<prefix>a:<endpoint>`).
 * A message is `[node id length u8][node id][kind u8: 0 text, 1 binary][payload]`. The publishing
 * node hands a message to its own listeners at once (no Redis round trip) and skips it when Redis
 * brings it back; a channel is subscribed only while this node has a listener on it.
 */
export class RedisSessionRelay implements SessionRelay {
  readonly nodeId: string;
  private readonly tag: Buffer;
  private readonly channels = new Map<string, Set<Listener>>();
  /** SUBSCRIBE and UNSUBSCRIBE commands not yet acknowledged: `ready()` waits for them. */
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    nodeId: string,
  ) {
    this.nodeId = nodeId;
    const id = Buffer.from(nodeId, 'utf8');
    if (id.length > 255) throw new RangeError('node id longer than 255 bytes');
    this.tag = Buffer.concat([Buffer.from([id.length]), id]);
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString('utf8'), message));
  }

  /** Opens a publishing and a subscribing connection; fails with a clear message when Redis is unreachable. */
  static async connect(url: string, options: RedisSessionRelayOptions): Promise<RedisSessionRelay> {
    // No retries until the first connection succeeded: a wrong URL fails the boot at once and leaves no timer behind.
    let connected = false;
    const retryStrategy = (times: number) => (connected ? Math.min(times * 200, 2_000) : null);
    const publisher = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5_000, lazyConnect: true, retryStrategy });
    const subscriber = new Redis(url, { connectTimeout: 5_000, lazyConnect: true, retryStrategy });
    publisher.on('error', () => undefined);
    subscriber.on('error', () => undefined);
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      connected = true;
    } catch (error) {
      for (const connection of [publisher, subscriber]) if (connection.status !== 'end') connection.disconnect();
      throw new Error(`Session relay: Redis at ${redactUrl(url)} is unreachable (${(error as Error).message})`);
    }
    return new RedisSessionRelay(publisher, subscriber, options.prefix, options.nodeId ?? randomBytes(8).toString('hex'));
  }

  publishToViewers(sessionId: string, payload: RelayPayload): void {
    this.publish(this.viewerChannel(sessionId), payload);
  }

  publishToAgent(endpoint: string, text: string): void {
    this.publish(this.agentChannel(endpoint), { text });
  }

  subscribeViewers(sessionId: string, listener: (payload: RelayPayload) => void): () => void {
    return this.subscribe(this.viewerChannel(sessionId), (payload) => listener(payload));
  }

  subscribeAgent(endpoint: string, listener: (text: string) => void): () => void {
    return this.subscribe(this.agentChannel(endpoint), (payload) => {
      if ('text' in payload) listener(payload.text);
    });
  }

  async ready(): Promise<void> {
    this.assertOpen();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    await Promise.all([
      this.subscriber.quit().catch(() => this.subscriber.disconnect()),
      this.publisher.quit().catch(() => this.publisher.disconnect()),
    ]);
  }

  private viewerChannel(sessionId: string): string {
    return `${this.prefix}v:${sessionId}`;
  }

  private agentChannel(endpoint: string): string {
    return `${this.prefix}a:${endpoint}`;
  }

  private publish(channel: string, payload: RelayPayload): void {
    this.assertOpen();
    this.deliverLocally(channel, payload);
    const body = 'binary' in payload ? payload.binary : Buffer.from(payload.text, 'utf8');
    const message = Buffer.concat([this.tag, Buffer.from(['binary' in payload ? KIND_BINARY : KIND_TEXT]), body]);
    // At most once: a message Redis could not take is dropped like one nobody listened to (frames are perishable).
    this.publisher.publish(channel, message).catch(() => undefined);
  }

  private subscribe(channel: string, listener: Listener): () => void {
    this.assertOpen();
    let listeners = this.channels.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.channels.set(channel, listeners);
      this.track(this.subscriber.subscribe(channel));
    }
    listeners.add(listener);
    return () => {
      const current = this.channels.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.channels.delete(channel);
      if (!this.closed) this.track(this.subscriber.unsubscribe(channel));
    };
  }

  private track(command: Promise<unknown>): void {
    const settled = command.catch(() => undefined).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  /** This node's own listeners get the message in a microtask, as the others get it from Redis. */
  private deliverLocally(channel: string, payload: RelayPayload): void {
    const listeners = this.channels.get(channel);
    if (!listeners) return;
    const targets = [...listeners];
    queueMicrotask(() => {
      for (const listener of targets) if (listeners.has(listener)) listener(payload);
    });
  }

  private receive(channel: string, message: Buffer): void {
    const listeners = this.channels.get(channel);
    if (!listeners || message.length === 0) return;
    const kindAt = 1 + message[0];
    // Not an envelope (nothing after the node id), or ours: our listeners had it locally already.
    if (message.length <= kindAt || message.subarray(0, kindAt).equals(this.tag)) return;
    const body = message.subarray(kindAt + 1);
    const payload: RelayPayload = message[kindAt] === KIND_BINARY ? { binary: body } : { text: body.toString('utf8') };
    for (const listener of [...listeners]) listener(payload);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The session relay is closed');
  }
}
