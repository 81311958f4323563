import Redis from 'ioredis';
import type { BeatResult, PresenceEntry, PresenceMessage, PresenceStore } from '../../application/ports/presence.port';

export const DEFAULT_PRESENCE_PREFIX = 'switchboard:presence:';

/**
 * One heartbeat in one round trip: the hash holds the entry (t tenant, n node, i ip, s last seen),
 * the sorted set orders computers by last seen for the sweeper. Returns {existed, previous node}.
 */
const BEAT_SCRIPT = `
local previous = redis.call('HGET', KEYS[2], 'n')
redis.call('HSET', KEYS[2], 't', ARGV[2], 'n', ARGV[3], 'i', ARGV[4], 's', ARGV[5])
redis.call('ZADD', KEYS[1], ARGV[5], ARGV[1])
if previous then return {1, previous} end
return {0, ''}
`;

/**
 * Removal that checks, atomically, that the entry was not seen since (ARGV[2], '' for any) and is
 * still held by the node (ARGV[3], '' for any): of several sweeping nodes exactly one wins.
 */
const REMOVE_SCRIPT = `
local seen = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not seen then return 0 end
if ARGV[2] ~= '' and tonumber(seen) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] ~= '' and redis.call('HGET', KEYS[2], 'n') ~= ARGV[3] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 1
`;

interface PresenceCommands {
  switchboardPresenceBeat(seen: string, entry: string, ...args: string[]): Promise<[number, string]>;
  switchboardPresenceRemove(seen: string, entry: string, ...args: string[]): Promise<number>;
}

export interface RedisPresenceStoreOptions {
  /** Prepended to every key and to the channel, so that several deployments or test runs share one Redis. */
  readonly prefix?: string;
}

/**
 * Presence shared by every node through Redis (REDIS_URL): entries in a hash per computer plus a
 * sorted set by last seen, messages on one pub/sub channel. A heartbeat is one EVALSHA.
 */
export class RedisPresenceStore implements PresenceStore {
  readonly prefix: string;
  private readonly listeners = new Set<(message: PresenceMessage) => void>();
  private closed = false;

  private constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    options: RedisPresenceStoreOptions,
  ) {
    this.prefix = options.prefix ?? DEFAULT_PRESENCE_PREFIX;
    redis.defineCommand('switchboardPresenceBeat', { numberOfKeys: 2, lua: BEAT_SCRIPT });
    redis.defineCommand('switchboardPresenceRemove', { numberOfKeys: 2, lua: REMOVE_SCRIPT });
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      // Parsed per listener: each gets its own copy, as with the in-process store.
      for (const listener of [...this.listeners]) {
        let message: PresenceMessage;
        try {
          message = JSON.parse(text) as PresenceMessage;
        } catch {
          return;
        }
        listener(message);
      }
    });
  }

  /**
   * Opens a command connection and a subscriber connection and resolves once the channel is
   * subscribed, so that no message published after this resolves is missed.
   */
  static async connect(url: string, options: RedisPresenceStoreOptions = {}): Promise<RedisPresenceStore> {
    // No retries until the first connection succeeded: a wrong URL fails the boot at once and leaves no timer behind.
    let connected = false;
    const retryStrategy = (times: number) => (connected ? Math.min(times * 200, 2_000) : null);
    const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5_000, lazyConnect: true, retryStrategy });
    const subscriber = new Redis(url, { connectTimeout: 5_000, lazyConnect: true, retryStrategy });
    // Connection errors surface as rejected commands; without a listener ioredis would also print them.
    redis.on('error', () => undefined);
    subscriber.on('error', () => undefined);
    const store = new RedisPresenceStore(redis, subscriber, options);
    try {
      await Promise.all([redis.connect(), subscriber.connect()]);
      await subscriber.subscribe(store.channel);
      connected = true;
    } catch (error) {
      // A connection that already ended needs no disconnect (which would arm a 2 s destroy timer).
      for (const connection of [redis, subscriber]) if (connection.status !== 'end') connection.disconnect();
      throw new Error(`Presence: Redis at ${redactUrl(url)} is unreachable (${(error as Error).message})`);
    }
    return store;
  }

  private get channel(): string {
    return `${this.prefix}messages`;
  }

  private get seenKey(): string {
    return `${this.prefix}seen`;
  }

  private entryKey(computerId: string): string {
    return `${this.prefix}c:${computerId}`;
  }

  async beat(entry: Omit<PresenceEntry, 'lastSeen'>, at: string): Promise<BeatResult> {
    const commands = this.redis as unknown as PresenceCommands;
    const [existed, previous] = await commands.switchboardPresenceBeat(
      this.seenKey,
      this.entryKey(entry.computerId),
      entry.computerId,
      entry.tenantId,
      entry.nodeId,
      entry.ip,
      String(toMs(at)),
    );
    return { first: Number(existed) === 0, previousNodeId: Number(existed) === 0 ? null : previous };
  }

  async get(computerId: string): Promise<PresenceEntry | null> {
    return (await this.getMany([computerId])).get(computerId) ?? null;
  }

  async getMany(computerIds: readonly string[]): Promise<Map<string, PresenceEntry>> {
    const result = new Map<string, PresenceEntry>();
    if (computerIds.length === 0) return result;
    const pipeline = this.redis.pipeline();
    for (const id of computerIds) pipeline.hmget(this.entryKey(id), 't', 'n', 'i', 's');
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, reply], i) => {
      if (error) throw error;
      const entry = toEntry(computerIds[i], reply as (string | null)[]);
      if (entry) result.set(computerIds[i], entry);
    });
    return result;
  }

  async lastSeenBefore(cutoff: string, limit = 1000): Promise<PresenceEntry[]> {
    if (limit <= 0) return [];
    const ids = await this.redis.zrangebyscore(this.seenKey, '-inf', `(${toMs(cutoff)}`, 'LIMIT', 0, limit);
    const entries = await this.getMany(ids);
    // An id whose hash vanished between the two reads was removed meanwhile: it is no candidate.
    return ids.flatMap((id) => entries.get(id) ?? []);
  }

  async remove(computerId: string, options: { readonly ifLastSeen?: string; readonly ifNodeId?: string } = {}): Promise<boolean> {
    const commands = this.redis as unknown as PresenceCommands;
    const removed = await commands.switchboardPresenceRemove(
      this.seenKey,
      this.entryKey(computerId),
      computerId,
      options.ifLastSeen === undefined ? '' : String(toMs(options.ifLastSeen)),
      options.ifNodeId ?? '',
    );
    return Number(removed) === 1;
  }

  async count(): Promise<number> {
    return this.redis.zcard(this.seenKey);
  }

  async publish(message: PresenceMessage): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(message));
  }

  subscribe(listener: (message: PresenceMessage) => void): () => void {
    const wrapped = (message: PresenceMessage) => listener(message);
    this.listeners.add(wrapped);
    return () => this.listeners.delete(wrapped);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await Promise.all([this.subscriber.quit().catch(() => this.subscriber.disconnect()), this.redis.quit().catch(() => this.redis.disconnect())]);
  }
}

function toEntry(computerId: string, [tenantId, nodeId, ip, seen]: (string | null)[]): PresenceEntry | null {
  if (tenantId === null || nodeId === null || ip === null || seen === null) return null;
  return { computerId, tenantId, nodeId, ip, lastSeen: new Date(Number(seen)).toISOString() };
}

function toMs(iso: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`Not an ISO time: ${JSON.stringify(iso)}`);
  return ms;
}

/** The URL without its password, for error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
