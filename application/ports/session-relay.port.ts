export const SESSION_RELAY = Symbol('SessionRelay');

/**
 * What travels between the node holding a session's agent socket and the nodes holding its viewers.
 * `toViewers`: a binary frame exactly as the agent sent it, or a JSON text for the viewers. `toAgent`:
 * a JSON text (a SessionToAgentMessage) for the session's agent socket.
 */
export type RelayPayload = { readonly binary: Uint8Array } | { readonly text: string };

/**
 * Routes a session's bytes between server nodes: in-process for one node, Redis pub/sub for several
 * (REDIS_URL). A node subscribes to a session's viewer side while it holds viewers of the session, and
 * to its agent side while it holds the session's agent socket. Delivery is at most once and in order
 * per publisher; a message published with no subscriber anywhere is dropped (frames are perishable).
 * The publisher's own node receives its own messages too, like any other node: callers deliver to
 * their local sockets through the subscription only, never twice.
 */
export interface SessionRelay {
  publishToViewers(sessionId: string, payload: RelayPayload): void;
  /** `endpoint` is `agentEndpoint(sessionId, participantId)`: of several end-users of one link, only the sharer's agent hears. */
  publishToAgent(endpoint: string, text: string): void;
  /** Receives what is published to the session's viewers; returns the unsubscribe function. */
  subscribeViewers(sessionId: string, listener: (payload: RelayPayload) => void): () => void;
  /** Receives what is published to the session's agent; returns the unsubscribe function. */
  subscribeAgent(endpoint: string, listener: (text: string) => void): () => void;
  /** Resolves once every subscription made so far is live (Redis SUBSCRIBE acknowledged): tests and the first frame. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** The agent side of a session: the computer's agent (participantId null) or one end-user's agent. */
export const agentEndpoint = (sessionId: string, participantId: string | null): string =>
  participantId ? `${sessionId}/${participantId}` : sessionId;
