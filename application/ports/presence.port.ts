import type { ServerToAgentMessage } from '../contracts/agent.protocol';

export const PRESENCE_STORE = Symbol('PresenceStore');

/** Where and when an agent was last heard. Heartbeats live here, never in the event store. */
export interface PresenceEntry {
  readonly computerId: string;
  /** The account the computer belongs to: the sweeper acts in it. */
  readonly tenantId: string;
  /** The server node that holds the agent's socket: messages for the agent are routed there. */
  readonly nodeId: string;
  /** Public IP the server saw on the connection. */
  readonly ip: string;
  /** ISO time of the last heartbeat (or hello). */
  readonly lastSeen: string;
}

/** What `beat` learned: whether the computer was absent (a transition) or which node held it before. */
export interface BeatResult {
  /** True when no entry existed: the agent just came online as far as presence knows. */
  readonly first: boolean;
  /** The node that held the entry before this beat, when there was one. */
  readonly previousNodeId: string | null;
}

/**
 * Messages between nodes, fanned out to every subscriber of every node (the publisher's included):
 * - `presence`: a computer's live state changed (online, offline, new screenshot); consoles refresh it.
 * - `to-agent`: deliver a control message to the agent, wherever its socket is.
 * - `disconnect`: close the agent's socket (its key was revoked), with a close code.
 */
export type PresenceMessage =
  | {
      readonly type: 'presence';
      readonly computerId: string;
      readonly tenantId: string;
      readonly change: 'online' | 'offline' | 'screenshot';
      readonly at: string;
    }
  | { readonly type: 'to-agent'; readonly computerId: string; readonly message: ServerToAgentMessage }
  | { readonly type: 'disconnect'; readonly computerId: string; readonly code: number; readonly reason: string };

/**
 * Live presence of agents, shared by every server node (in-process for one node, Redis for several).
 * Times are ISO strings from the caller's clock, so that every node and the tests agree on one time source.
 */
export interface PresenceStore {
  /** Records a heartbeat (or a hello) of a computer seen on `nodeId` from `ip`. */
  beat(entry: Omit<PresenceEntry, 'lastSeen'>, at: string): Promise<BeatResult>;
  /** The computer's entry, or null when it is not present. */
  get(computerId: string): Promise<PresenceEntry | null>;
  /** Entries of several computers at once (missing ones are absent from the map): the console's list overlay. */
  getMany(computerIds: readonly string[]): Promise<Map<string, PresenceEntry>>;
  /** Entries last seen strictly before `cutoff`, oldest first, at most `limit`: the sweeper's candidates. */
  lastSeenBefore(cutoff: string, limit?: number): Promise<PresenceEntry[]>;
  /**
   * Removes the entry. With `ifLastSeen`, only when it was not seen since (atomic): of several nodes
   * sweeping at once, exactly one removes it, and a heartbeat that raced the sweep keeps it.
   * True when this call removed it.
   */
  remove(computerId: string, options?: { readonly ifLastSeen?: string; readonly ifNodeId?: string }): Promise<boolean>;
  /** Number of present computers (for metrics and tests). */
  count(): Promise<number>;
  /** Sends a message to every node's subscribers. */
  publish(message: PresenceMessage): Promise<void>;
  /** Receives every published message (of every node); returns the unsubscribe function. */
  subscribe(listener: (message: PresenceMessage) => void): () => void;
  /** Releases connections; the store is not used afterwards. */
  close(): Promise<void>;
}

/** Default heartbeat interval of agents (the welcome message tells them). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;
/** An agent missing this many heartbeats in a row is offline. */
export const MISSED_HEARTBEATS_OFFLINE = 3;
