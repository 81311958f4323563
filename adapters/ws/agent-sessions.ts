import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { decodeFrame, FRAME_KIND, type AgentSessionMessage } from '../../application/contracts/session.protocol';
import { PRESENCE_STORE, type PresenceStore } from '../../application/ports/presence.port';
import { agentEndpoint, SESSION_RELAY, type SessionRelay } from '../../application/ports/session-relay.port';
import {
  DEFAULT_AGENT_LOST_MS,
  SESSION_ACCESS,
  SESSION_RECORDER,
  type ParticipantGrant,
  type SessionAccess,
  type SessionFacts,
  type SessionRecorder,
} from '../../application/session/session-access.port';
import type { Actor } from '../../domain/shared/event';
import type { AppInfrastructure } from '../nest/infrastructure';
import { APP_INFRASTRUCTURE } from '../nest/tokens';
import type { AgentIdentity } from './agent-directory';
import { parseRelayText, relayText } from './session-relay-notices';

/** A session an agent socket serves: it hears the session's agent endpoint and may send its frames. */
export interface ServedSession {
  readonly endpoint: string;
  /** Read once the socket starts serving (recording, tenant); null until then. */
  facts: SessionFacts | null;
  readonly stopListening: () => void;
}

/** What the session side needs of an agent socket's state (kept in the gateway's per-socket record). */
export interface SessionSocketState {
  readonly ip: string;
  agent: AgentIdentity | null;
  participant: ParticipantGrant | null;
  /** Null for the many idle agents: the map exists only while a session is served. */
  sessions: Map<string, ServedSession> | null;
}

/** Why a binary frame is refused; the gateway answers with an error and a protocol close. */
export type FrameRefusal = { readonly code: 'MALFORMED_FRAME' | 'UNKNOWN_SESSION'; readonly message: string };

interface LostAgent {
  readonly timer: ReturnType<typeof setTimeout>;
  readonly stopWatching: () => void;
}

/**
 * The agent side of sessions on this node: which agent socket serves which session, the relay
 * subscriptions of their agent endpoints, frames published to the viewers unchanged (and handed to
 * the recorder), and the agent-lost timers of sockets that closed while serving.
 */
@Injectable()
export class AgentSessions implements OnModuleDestroy {
  private readonly logger = new Logger('agent-sessions');
  private readonly lost = new Map<string, LostAgent>();
  /** The socket serving each agent endpoint on this node: a reconnected agent's old socket closing later is no loss. */
  private readonly owners = new Map<string, WebSocket>();
  private readonly agentLostMs: number;

  constructor(
    @Inject(SESSION_RELAY) private readonly relay: SessionRelay,
    @Inject(SESSION_ACCESS) private readonly access: SessionAccess,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(APP_INFRASTRUCTURE) infra: AppInfrastructure,
    @Optional() @Inject(SESSION_RECORDER) private readonly recorder: SessionRecorder | null,
  ) {
    this.agentLostMs = infra.config.sessionLink?.agentLostMs ?? DEFAULT_AGENT_LOST_MS;
  }

  onModuleDestroy(): void {
    for (const lost of this.lost.values()) {
      clearTimeout(lost.timer);
      lost.stopWatching();
    }
    this.lost.clear();
    this.owners.clear();
  }

  /**
   * The socket starts (or keeps) serving a session: its agent endpoint's messages go to the socket.
   * Viewer nodes hear `connected`; `arrived` tells them an agent has just come and needs a start.
   */
  serve(socket: WebSocket, state: SessionSocketState, sessionId: string, participantId: string | null, facts: SessionFacts | null, arrived: boolean): void {
    const endpoint = agentEndpoint(sessionId, participantId);
    this.forgetLost(endpoint);
    this.owners.set(endpoint, socket);
    state.sessions ??= new Map();
    if (!state.sessions.has(sessionId)) {
      const served: ServedSession = { endpoint, facts, stopListening: this.relay.subscribeAgent(endpoint, (text) => this.toAgent(socket, state, sessionId, text)) };
      state.sessions.set(sessionId, served);
      if (!facts) void this.describe(served, sessionId);
    }
    void this.relay.ready().then(() => this.relay.publishToViewers(sessionId, relayText({ type: 'agent-state', agent: 'connected', endpoint, arrived })));
  }

  /** A binary frame from the agent: checked, then published to the session's viewers byte for byte. */
  frame(state: SessionSocketState, bytes: Buffer): FrameRefusal | null {
    const frame = decodeFrame(bytes);
    if ('error' in frame) return { code: 'MALFORMED_FRAME', message: frame.error };
    const served = state.sessions?.get(frame.header.s);
    if (!served) return { code: 'UNKNOWN_SESSION', message: `This link does not serve session ${frame.header.s}` };
    this.relay.publishToViewers(frame.header.s, { binary: bytes });
    if (frame.kind === FRAME_KIND.SCREEN && served.facts?.recording && this.recorder) this.recorder.record(served.facts, bytes, Date.now());
    return null;
  }

  /** `prompt-exit` or `session-leave` from the agent; an error text when the socket does not serve that session. */
  async message(state: SessionSocketState, message: AgentSessionMessage, origin: { ip: string }): Promise<string | null> {
    const served = state.sessions?.get(message.sessionId);
    if (!served) return `${message.type}: this link does not serve session ${message.sessionId}`;
    switch (message.type) {
      case 'prompt-exit': {
        this.relay.publishToViewers(message.sessionId, relayText({ type: 'prompt-exit', promptId: message.promptId, code: message.code }));
        const facts = served.facts ?? (await this.access.describe(message.sessionId));
        if (facts) await this.access.promptClosed(facts, message.promptId, message.code);
        return null;
      }
      case 'session-leave':
        await this.access.end(message.sessionId, 'end-user', actorOf(state), origin);
        return null;
      default: {
        const unhandled: never = message;
        return `unhandled ${JSON.stringify(unhandled)}`;
      }
    }
  }

  /**
   * The socket closed: each session it served hears the agent is lost at once and ends after the
   * timeout unless an agent serves it again (on any node) or, for a computer, the computer is back online.
   */
  closed(socket: WebSocket, state: SessionSocketState, origin: { ip: string }): void {
    const sessions = state.sessions ?? new Map<string, ServedSession>();
    state.sessions = null;
    const replaced = state.participant !== null && this.ownedByOther(agentEndpoint(state.participant.sessionId, state.participant.participantId), socket);
    if (state.participant && !replaced) {
      void this.access.participantLeft(state.participant, origin).catch((error: unknown) => this.warn('recording that the end-user left', error));
    }
    for (const [sessionId, served] of sessions) {
      served.stopListening();
      if (this.ownedByOther(served.endpoint, socket)) continue;
      this.owners.delete(served.endpoint);
      this.relay.publishToViewers(sessionId, relayText({ type: 'agent-state', agent: 'lost', endpoint: served.endpoint, arrived: false }));
      if (served.facts?.recording) void this.recorder?.finish(sessionId).catch((error: unknown) => this.warn('flushing the recording', error));
      this.watchLost(sessionId, served.endpoint, state.agent?.computerId ?? null, origin);
    }
  }

  /** Number of agent-lost timers running on this node (tests). */
  get lostCount(): number {
    return this.lost.size;
  }

  /** Forwards an agent endpoint's message to the socket; `session-start` is answered, `session-end` stops serving. */
  private toAgent(socket: WebSocket, state: SessionSocketState, sessionId: string, text: string): void {
    if (socket.readyState === socket.OPEN) socket.send(text);
    const type = messageType(text);
    if (type === 'session-start') {
      const served = state.sessions?.get(sessionId);
      if (served) this.relay.publishToViewers(sessionId, relayText({ type: 'agent-state', agent: 'connected', endpoint: served.endpoint, arrived: false }));
    } else if (type === 'session-end') {
      this.stopServing(socket, state, sessionId);
    }
  }

  /** A session ended while this socket served it. */
  stopServing(socket: WebSocket, state: SessionSocketState, sessionId: string): void {
    const served = state.sessions?.get(sessionId);
    if (!served) return;
    served.stopListening();
    if (!this.ownedByOther(served.endpoint, socket)) this.owners.delete(served.endpoint);
    state.sessions!.delete(sessionId);
    if (state.sessions!.size === 0) state.sessions = null;
    if (served.facts?.recording) void this.recorder?.finish(sessionId).catch((error: unknown) => this.warn('flushing the recording', error));
  }

  private ownedByOther(endpoint: string, socket: WebSocket): boolean {
    const owner = this.owners.get(endpoint);
    return owner !== undefined && owner !== socket;
  }

  private async describe(served: ServedSession, sessionId: string): Promise<void> {
    try {
      served.facts = await this.access.describe(sessionId);
    } catch (error) {
      this.warn(`reading session ${sessionId}`, error);
    }
  }

  private watchLost(sessionId: string, endpoint: string, computerId: string | null, origin: { ip: string }): void {
    this.forgetLost(endpoint);
    // Back on any node: that node announces it on the viewer side.
    const stopWatching = this.relay.subscribeViewers(sessionId, (payload) => {
      if (!('text' in payload)) return;
      const notice = parseRelayText(payload.text);
      if ((notice?.type === 'agent-state' && notice.agent === 'connected' && notice.endpoint === endpoint) || notice?.type === 'ended') this.forgetLost(endpoint);
    });
    const timer = setTimeout(() => {
      this.forgetLost(endpoint);
      void this.endLost(sessionId, computerId, origin);
    }, this.agentLostMs);
    timer.unref?.();
    this.lost.set(endpoint, { timer, stopWatching });
  }

  private async endLost(sessionId: string, computerId: string | null, origin: { ip: string }): Promise<void> {
    try {
      if (computerId && (await this.presence.get(computerId))) return;
      await this.access.end(sessionId, 'agent-lost', null, origin);
    } catch (error) {
      this.warn(`ending session ${sessionId} after its agent was lost`, error);
    }
  }

  private forgetLost(endpoint: string): void {
    const lost = this.lost.get(endpoint);
    if (!lost) return;
    clearTimeout(lost.timer);
    lost.stopWatching();
    this.lost.delete(endpoint);
  }

  private warn(what: string, error: unknown): void {
    this.logger.warn(`${what} failed: ${(error as Error).message}`);
  }
}

/** Who speaks on an agent socket, for the events it causes: an end-user's agent, or a computer's. */
function actorOf(state: SessionSocketState): Actor {
  if (state.participant) return { kind: 'customer', id: state.participant.participantId };
  return { kind: 'agent', id: state.agent?.computerId ?? 'unknown' };
}

const TYPE_PREFIX = '{"type":"';

/**
 * The `type` of a JSON text published to an agent endpoint. Our gateways write `type` first, so it is
 * read off the front without parsing (this runs for every input message relayed); any other text is parsed.
 */
function messageType(text: string): string | null {
  if (text.startsWith(TYPE_PREFIX)) {
    const end = text.indexOf('"', TYPE_PREFIX.length);
    if (end > 0) return text.slice(TYPE_PREFIX.length, end);
  }
  try {
    const message = JSON.parse(text) as { type?: unknown };
    return typeof message.type === 'string' ? message.type : null;
  } catch {
    return null;
  }
}
