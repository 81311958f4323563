import type { IncomingMessage } from 'node:http';
import { Inject, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { RawData, WebSocket } from 'ws';
import {
  decodeFrame,
  FRAME_KIND,
  parseViewerMessage,
  SESSION_CLOSE,
  SESSION_MAX_MESSAGE_BYTES,
  SESSION_MAX_PROMPTS,
  SESSION_PROTOCOL_VERSION,
  SESSION_WS_PATH,
  type AgentLinkState,
  type SessionToAgentMessage,
  type SessionViewerInfo,
  type ViewerMessage,
  type ViewerServerMessage,
} from '../../application/contracts/session.protocol';
import { isDomainError } from '../../domain/shared/domain-error';
import type { Actor } from '../../domain/shared/event';
import { PRESENCE_STORE, type PresenceMessage, type PresenceStore } from '../../application/ports/presence.port';
import { agentEndpoint, SESSION_RELAY, type RelayPayload, type SessionRelay } from '../../application/ports/session-relay.port';
import {
  DEFAULT_SESSION_MAX_FPS,
  DEFAULT_SESSION_QUALITY,
  SESSION_ACCESS,
  type SessionAccess,
  type SessionFacts,
  type SessionRefusal,
  type ViewerGrant,
} from '../../application/session/session-access.port';
import type { AppInfrastructure } from '../nest/infrastructure';
import { APP_INFRASTRUCTURE } from '../nest/tokens';
import { closeReason } from './agent.gateway';
import { clientAddress, type TrustProxyFn } from './client-address';
import { CommandLineAssembler } from './command-line-assembler';
import { parseRelayText, relayText, type SessionRelayNotice, type ViewerBoundText } from './session-relay-notices';

/** Codes of the viewer link's `error` message. */
export type ViewerErrorCode =
  | 'MESSAGE_TOO_LARGE'
  | 'MALFORMED_MESSAGE'
  | 'BINARY_NOT_SUPPORTED'
  | 'HELLO_REQUIRED'
  | 'HELLO_TIMEOUT'
  | 'PROTOCOL_UNSUPPORTED'
  | SessionRefusal['refused']
  | 'UNAVAILABLE'
  | 'TOO_MANY_PROMPTS'
  | 'PROMPT_IN_USE'
  | 'UNKNOWN_PROMPT'
  | 'NO_AGENT'
  | 'TOO_MANY_MESSAGES'
  | 'TOO_SLOW';

/** Refusals of a signed-in viewer's message that are recorded on the session for the audit log. */
const VIEWER_PROTOCOL_VIOLATIONS: ReadonlySet<ViewerErrorCode> = new Set<ViewerErrorCode>(['MESSAGE_TOO_LARGE', 'MALFORMED_MESSAGE', 'BINARY_NOT_SUPPORTED', 'TOO_MANY_MESSAGES']);

/** Above this many unsent bytes a viewer skips screen frames until a keyframe: it gets the newest picture, never a queue. */
export const SCREEN_SKIP_BUFFERED_BYTES = 1024 * 1024;
/** Prompt output is never skipped (a terminal cannot resume from a gap); a viewer this far behind is closed. */
export const PROMPT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** A keyframe asked for and not come within this time is asked for again. */
const KEYFRAME_RETRY_MS = 1_000;
/** Audit writes (prompt opened, command lines, end) of one viewer waiting; more is a flood. */
const MAX_PENDING_AUDIT = 256;
/** Text frames larger than this are cut by the ws library (1009); up to it they get an `error`. */
const HARD_MAX_PAYLOAD_BYTES = 4 * SESSION_MAX_MESSAGE_BYTES;
/** Close code for a viewer too slow for its prompt output: the console may reconnect. */
const CLOSE_TRY_AGAIN_LATER = 1013;

const REFUSAL_CLOSE: Record<SessionRefusal['refused'], number> = {
  UNAUTHORIZED: SESSION_CLOSE.UNAUTHORIZED,
  FORBIDDEN: SESSION_CLOSE.FORBIDDEN,
  NOT_FOUND: SESSION_CLOSE.NOT_FOUND,
  ENDED: SESSION_CLOSE.ENDED,
};

type Phase = 'hello' | 'joining' | 'ready' | 'closed';

/** Read through a function: the phase changes while a handler awaits, which narrowing cannot see. */
const isClosed = (state: { phase: Phase }): boolean => state.phase === 'closed';

interface ViewerState {
  phase: Phase;
  readonly ip: string;
  helloTimer: ReturnType<typeof setTimeout> | null;
  grant: ViewerGrant | null;
  session: LocalSession | null;
  /** Missed screen frames (or just joined): deltas are skipped until the next keyframe. */
  needsKeyframe: boolean;
  /** Prompts this viewer opened, each with the command line being typed into it. */
  readonly prompts: Map<string, CommandLineAssembler>;
  /** Audit writes in the order the viewer caused them. */
  audit: Promise<void>;
  pendingAudit: number;
}

/** A session with viewers on this node. */
interface LocalSession {
  readonly sessionId: string;
  facts: SessionFacts;
  readonly viewers: Map<WebSocket, ViewerState>;
  agent: AgentLinkState;
  /** Other nodes' viewers, by node id (their rosters). */
  readonly remote: Map<string, readonly SessionViewerInfo[]>;
  /** Which local viewer opened each prompt: its output goes to that viewer only. */
  readonly promptOwners: Map<string, WebSocket>;
  /** When a keyframe was last asked for and has not come yet; 0: none pending. */
  keyframeAskedAt: number;
  ended: boolean;
  readonly stopListening: () => void;
}

/**
 * The viewer link (`/session`, protocol in application/contracts/session.protocol.ts): a technician's
 * (or a permalink guest's) browser watching one session. Hello → SessionAccess decides; then the
 * agent's frames come down unchanged through the relay, and input, acks and prompt bytes go up to the
 * session's agent endpoint. Every message is validated; a bad one gets an `error` and a 4400 close
 * and changes nothing. The nodes holding a session's viewers tell each other their viewers (roster),
 * so that the last viewer out, on any node, stops the agent's capture.
 */
@WebSocketGateway({ path: SESSION_WS_PATH, maxPayload: HARD_MAX_PAYLOAD_BYTES })
export class SessionGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('session');
  private readonly viewers = new Map<WebSocket, ViewerState>();
  private readonly sessions = new Map<string, LocalSession>();
  private readonly nodeId: string;
  private readonly helloTimeoutMs: number;
  private stopPresence: (() => void) | null = null;
  private trust: TrustProxyFn | undefined;
  private destroyed = false;
  private readonly onMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void;

  constructor(
    @Inject(SESSION_ACCESS) private readonly access: SessionAccess,
    @Inject(SESSION_RELAY) private readonly relay: SessionRelay,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(APP_INFRASTRUCTURE) infra: AppInfrastructure,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.nodeId = infra.agentLink.nodeId;
    this.helloTimeoutMs = infra.agentLink.config.helloTimeoutMs;
    const gateway = this;
    this.onMessage = function (this: WebSocket, data: RawData, isBinary: boolean) {
      gateway.receive(this, data, isBinary);
    };
  }

  onModuleInit(): void {
    this.stopPresence = this.presence.subscribe((message) => this.onPresence(message));
    const express = this.adapterHost.httpAdapter?.getInstance?.() as { get?: (name: string) => unknown } | undefined;
    const trust = express?.get?.('trust proxy fn');
    this.trust = typeof trust === 'function' ? (trust as TrustProxyFn) : undefined;
  }

  onModuleDestroy(): void {
    this.destroyed = true;
    this.stopPresence?.();
    this.stopPresence = null;
    for (const [socket, state] of this.viewers) {
      if (state.helloTimer) clearTimeout(state.helloTimer);
      state.phase = 'closed';
      socket.terminate();
    }
    this.viewers.clear();
    for (const session of this.sessions.values()) session.stopListening();
    this.sessions.clear();
  }

  handleConnection(socket: WebSocket, request?: IncomingMessage): void {
    if (this.destroyed) {
      socket.terminate();
      return;
    }
    const state: ViewerState = {
      phase: 'hello',
      ip: request ? clientAddress(request, this.trust) : '',
      helloTimer: null,
      grant: null,
      session: null,
      needsKeyframe: true,
      prompts: new Map(),
      audit: Promise.resolve(),
      pendingAudit: 0,
    };
    state.helloTimer = setTimeout(() => {
      state.helloTimer = null;
      if (state.phase === 'hello') this.refuse(socket, 'HELLO_TIMEOUT', `Say hello within ${this.helloTimeoutMs} ms`, SESSION_CLOSE.PROTOCOL_ERROR);
    }, this.helloTimeoutMs);
    this.viewers.set(socket, state);
    socket.on('message', this.onMessage);
  }

  handleDisconnect(socket: WebSocket): void {
    const state = this.viewers.get(socket);
    if (!state) return;
    this.viewers.delete(socket);
    if (state.helloTimer) clearTimeout(state.helloTimer);
    state.helloTimer = null;
    state.phase = 'closed';
    if (state.session) this.detach(socket, state, state.session);
  }

  /** Open viewer sockets on this node, and the sessions they watch (tests). */
  get counts(): { readonly viewers: number; readonly sessions: number } {
    return { viewers: this.viewers.size, sessions: this.sessions.size };
  }

  private receive(socket: WebSocket, data: RawData, isBinary: boolean): void {
    const state = this.viewers.get(socket);
    if (!state || state.phase === 'closed') return;
    if (isBinary) return this.refuse(socket, 'BINARY_NOT_SUPPORTED', 'Viewers send JSON text only', SESSION_CLOSE.PROTOCOL_ERROR);
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (bytes.length > SESSION_MAX_MESSAGE_BYTES) {
      return this.refuse(socket, 'MESSAGE_TOO_LARGE', `A message has at most ${SESSION_MAX_MESSAGE_BYTES} bytes`, SESSION_CLOSE.PROTOCOL_ERROR);
    }
    const message = parseViewerMessage(bytes.toString('utf8'));
    if ('error' in message) return this.refuse(socket, 'MALFORMED_MESSAGE', message.error, SESSION_CLOSE.PROTOCOL_ERROR);
    if (state.phase === 'hello' && message.type === 'hello') {
      void this.hello(socket, state, message).catch((error: unknown) => {
        this.logger.error(`viewer hello failed: ${(error as Error).stack ?? String(error)}`);
        this.refuse(socket, 'UNAVAILABLE', 'The session could not be joined; try again', 1011);
      });
      return;
    }
    if (state.phase !== 'ready' || message.type === 'hello') {
      const why = message.type === 'hello' ? 'Say hello once' : state.phase === 'joining' ? 'Wait for the welcome' : 'Say hello first';
      return this.refuse(socket, 'HELLO_REQUIRED', why, SESSION_CLOSE.PROTOCOL_ERROR);
    }
    this.handle(socket, state, state.session!, message);
  }

  private async hello(socket: WebSocket, state: ViewerState, message: Extract<ViewerMessage, { type: 'hello' }>): Promise<void> {
    state.phase = 'joining';
    if (state.helloTimer) clearTimeout(state.helloTimer);
    state.helloTimer = null;
    if (message.protocol !== SESSION_PROTOCOL_VERSION) {
      return this.refuse(socket, 'PROTOCOL_UNSUPPORTED', `This server speaks session protocol ${SESSION_PROTOCOL_VERSION}`, SESSION_CLOSE.PROTOCOL_ERROR);
    }
    const result = await this.access.joinAsViewer(message.token, message.sessionId, state);
    if ('refused' in result) return this.refuse(socket, result.refused, result.message, REFUSAL_CLOSE[result.refused]);
    if (isClosed(state)) {
      // Gone while joining: it joined, so it leaves.
      await this.access.leaveAsViewer(result, state);
      return;
    }
    await this.attach(socket, state, result);
  }

  /** The viewer is in: welcome, state for everyone here, the other nodes told, the agent started or asked for a keyframe. */
  private async attach(socket: WebSocket, state: ViewerState, grant: ViewerGrant): Promise<void> {
    let session = this.sessions.get(grant.sessionId);
    const first = !session;
    if (!session) {
      session = this.openLocal(grant);
    } else {
      session.facts = grant;
    }
    state.grant = grant;
    state.session = session;
    state.phase = 'ready';
    session.viewers.set(socket, state);
    this.send(socket, {
      type: 'welcome',
      protocol: SESSION_PROTOCOL_VERSION,
      sessionId: grant.sessionId,
      computerName: grant.computerName,
      source: grant.source,
      recording: grant.recording,
    });
    this.broadcastState(session);
    if (!first) {
      this.publishRoster(session, false);
      this.askKeyframe(session);
      return;
    }
    // Frames the agent answers with must find this node subscribed.
    await this.relay.ready();
    if (session.viewers.size === 0 || session.ended) return;
    this.publishRoster(session, true);
    this.start(session);
  }

  private openLocal(facts: SessionFacts): LocalSession {
    const sessionId = facts.sessionId;
    const holder: { session?: LocalSession } = {};
    const stopListening = this.relay.subscribeViewers(sessionId, (payload) => holder.session && this.fromRelay(holder.session, payload));
    const session: LocalSession = {
      sessionId,
      facts,
      viewers: new Map(),
      agent: 'waiting',
      remote: new Map(),
      promptOwners: new Map(),
      keyframeAskedAt: 0,
      ended: false,
      stopListening,
    };
    holder.session = session;
    this.sessions.set(sessionId, session);
    return session;
  }

  private handle(socket: WebSocket, state: ViewerState, session: LocalSession, message: ViewerMessage): void {
    const sessionId = session.sessionId;
    switch (message.type) {
      case 'hello':
        return;
      case 'input':
        this.toAgent(session, { type: 'input', sessionId, events: message.events });
        return;
      case 'ack':
        this.toAgent(session, { type: 'ack', sessionId, seq: message.seq });
        return;
      case 'keyframe':
        state.needsKeyframe = true;
        this.askKeyframe(session);
        return;
      case 'prompt-open':
        return this.openPrompt(socket, state, session, message);
      case 'prompt-data': {
        const line = state.prompts.get(message.promptId);
        if (!line) return this.error(socket, 'UNKNOWN_PROMPT', `No prompt ${message.promptId} is open on this link`);
        this.toAgent(session, { type: 'prompt-data', sessionId, promptId: message.promptId, data: message.data });
        for (const typed of line.feed(message.data)) {
          this.audit(socket, state, () => this.access.commandLine(state.grant!, message.promptId, typed, state));
        }
        return;
      }
      case 'prompt-resize':
        if (!state.prompts.has(message.promptId)) return this.error(socket, 'UNKNOWN_PROMPT', `No prompt ${message.promptId} is open on this link`);
        this.toAgent(session, { type: 'prompt-resize', sessionId, promptId: message.promptId, cols: message.cols, rows: message.rows });
        return;
      case 'prompt-close':
        if (!state.prompts.has(message.promptId)) return this.error(socket, 'UNKNOWN_PROMPT', `No prompt ${message.promptId} is open on this link`);
        this.toAgent(session, { type: 'prompt-close', sessionId, promptId: message.promptId });
        this.forgetPrompt(session, state, message.promptId);
        return;
      case 'choose-sharer':
        this.audit(socket, state, () => this.chooseSharer(socket, state, session, message.participantId));
        return;
      case 'end':
        this.audit(socket, state, async () => {
          const grant = state.grant!;
          await this.access.end(sessionId, 'technician', { kind: grant.kind === 'guest' ? 'customer' : 'user', id: grant.userId }, state);
        });
        return;
      default: {
        const unhandled: never = message;
        return this.refuse(socket, 'MALFORMED_MESSAGE', `Unhandled message ${JSON.stringify(unhandled)}`, SESSION_CLOSE.PROTOCOL_ERROR);
      }
    }
  }

  /**
   * A prompt on the agent (at most SESSION_MAX_PROMPTS per viewer); its output comes to this viewer
   * only. The session's decider is asked first (guests never get a shell): nothing reaches the agent
   * before PromptOpened is recorded. The id is held meanwhile; bytes typed before `prompt-opened` are refused.
   */
  private openPrompt(socket: WebSocket, state: ViewerState, session: LocalSession, message: Extract<ViewerMessage, { type: 'prompt-open' }>): void {
    const { promptId, cols, rows } = message;
    if (state.prompts.has(promptId) || session.promptOwners.has(promptId)) return this.error(socket, 'PROMPT_IN_USE', `Prompt ${promptId} is already open in this session`);
    // Prompts held while their opening is recorded count too.
    const held = [...session.promptOwners.values()].filter((owner) => owner === socket).length;
    if (held >= SESSION_MAX_PROMPTS) return this.error(socket, 'TOO_MANY_PROMPTS', `At most ${SESSION_MAX_PROMPTS} prompts per viewer`);
    if (!this.endpointOf(session)) return this.error(socket, 'NO_AGENT', 'No end-user shares a screen in this session yet');
    session.promptOwners.set(promptId, socket);
    this.audit(socket, state, async () => {
      try {
        await this.access.promptOpened(state.grant!, promptId, state);
      } catch (error) {
        session.promptOwners.delete(promptId);
        if (!isDomainError(error)) throw error;
        return this.error(socket, 'FORBIDDEN', error.message);
      }
      if (state.phase === 'closed' || !this.toAgent(session, { type: 'prompt-open', sessionId: session.sessionId, promptId, cols, rows })) {
        session.promptOwners.delete(promptId);
        return this.error(socket, 'NO_AGENT', 'No end-user shares a screen in this session yet');
      }
      state.prompts.set(promptId, new CommandLineAssembler());
      this.send(socket, { type: 'prompt-opened', promptId });
    });
  }

  private forgetPrompt(session: LocalSession, state: ViewerState, promptId: string): void {
    state.prompts.delete(promptId);
    session.promptOwners.delete(promptId);
  }

  /** Of several end-users, show this one's screen: the previous sharer stops, the new one starts, every node re-reads the session. */
  private async chooseSharer(socket: WebSocket, state: ViewerState, session: LocalSession, participantId: string): Promise<void> {
    const result = await this.access.chooseSharer(state.grant!, participantId, state);
    if ('refused' in result) return this.error(socket, result.refused, result.message);
    const previous = session.facts.sharer;
    session.facts = result;
    if (previous && previous !== result.sharer) {
      this.relay.publishToAgent(agentEndpoint(session.sessionId, previous), JSON.stringify({ type: 'session-stop', sessionId: session.sessionId }));
    }
    session.agent = 'waiting';
    this.start(session);
    this.relay.publishToViewers(session.sessionId, relayText({ type: 'sharer-changed' }));
  }

  /** The viewer's socket closed: its prompts close, it leaves the session, and the last viewer anywhere stops the agent. */
  private detach(socket: WebSocket, state: ViewerState, session: LocalSession): void {
    session.viewers.delete(socket);
    state.session = null;
    if (!session.ended) {
      for (const promptId of state.prompts.keys()) this.toAgent(session, { type: 'prompt-close', sessionId: session.sessionId, promptId });
      if (state.grant) {
        const grant = state.grant;
        this.audit(socket, state, () => this.access.leaveAsViewer(grant, state), true);
      }
    }
    for (const promptId of state.prompts.keys()) session.promptOwners.delete(promptId);
    state.prompts.clear();
    if (session.viewers.size > 0) {
      this.publishRoster(session, false);
      this.broadcastState(session);
      return;
    }
    session.stopListening();
    this.sessions.delete(session.sessionId);
    if (session.ended) return;
    this.publishRoster(session, false);
    if (session.remote.size === 0) this.toAgent(session, { type: 'session-stop', sessionId: session.sessionId });
  }

  /** What the relay brings for the session's viewers: frames to fan out, and the gateways' notices. */
  private fromRelay(session: LocalSession, payload: RelayPayload): void {
    if ('binary' in payload) return this.relayFrame(session, payload.binary);
    const notice = parseRelayText(payload.text);
    if (notice) this.onNotice(session, notice, payload.text);
  }

  /**
   * A frame to every viewer, unchanged. Prompt output goes to the prompt's viewer, whole. A screen
   * frame skips a viewer with a backlog, which then waits for a keyframe (asked for once it can
   * take one): never an unbounded queue.
   */
  private relayFrame(session: LocalSession, bytes: Uint8Array): void {
    const frame = decodeFrame(bytes);
    if ('error' in frame) return;
    if (frame.kind === FRAME_KIND.PROMPT_OUTPUT) {
      const owner = session.promptOwners.get((frame.header as { p: string }).p);
      if (!owner || owner.readyState !== owner.OPEN) return;
      if (owner.bufferedAmount > PROMPT_MAX_BUFFERED_BYTES) {
        return this.refuse(owner, 'TOO_SLOW', 'This link is too slow for the prompt output: reconnect', CLOSE_TRY_AGAIN_LATER);
      }
      owner.send(bytes);
      return;
    }
    const keyframe = (frame.header as { k: boolean }).k;
    if (keyframe) session.keyframeAskedAt = 0;
    let wantKeyframe = false;
    for (const [socket, viewer] of session.viewers) {
      if (socket.readyState !== socket.OPEN) continue;
      if (socket.bufferedAmount > SCREEN_SKIP_BUFFERED_BYTES) {
        viewer.needsKeyframe = true;
        continue;
      }
      if (viewer.needsKeyframe && !keyframe) {
        wantKeyframe = true;
        continue;
      }
      viewer.needsKeyframe = false;
      socket.send(bytes);
    }
    if (wantKeyframe) this.askKeyframe(session);
  }

  private onNotice(session: LocalSession, notice: SessionRelayNotice | ViewerBoundText, text: string): void {
    switch (notice.type) {
      case 'ended':
        session.ended = true;
        for (const socket of [...session.viewers.keys()]) {
          this.send(socket, notice);
          this.close(socket, SESSION_CLOSE.ENDED, `The session ended (${notice.reason})`);
        }
        return;
      case 'prompt-exit': {
        const owner = session.promptOwners.get(notice.promptId);
        const viewer = owner && session.viewers.get(owner);
        if (!owner || !viewer) return;
        this.forgetPrompt(session, viewer, notice.promptId);
        if (owner.readyState === owner.OPEN) owner.send(text);
        return;
      }
      case 'agent-state':
        return this.onAgentState(session, notice);
      case 'sharer-changed':
        void this.refresh(session).then(() => this.broadcastState(session));
        return;
      case 'roster':
        if (notice.node === this.nodeId) return;
        if (notice.viewers.length > 0) session.remote.set(notice.node, notice.viewers);
        else session.remote.delete(notice.node);
        if (notice.ask) this.publishRoster(session, false);
        this.broadcastState(session);
        return;
      default: {
        const unhandled: never = notice;
        this.logger.warn(`unknown relay notice ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** The agent came, answered a start, or was lost; an agent that has just come (an end-user's) is started if it is the sharer. */
  private onAgentState(session: LocalSession, notice: Extract<SessionRelayNotice, { type: 'agent-state' }>): void {
    if (notice.arrived) {
      void this.refresh(session).then(() => {
        if (notice.endpoint !== this.endpointOf(session) || session.viewers.size === 0) return;
        session.agent = 'connected';
        this.broadcastState(session);
        this.start(session);
      });
      return;
    }
    if (notice.endpoint !== this.endpointOf(session)) return;
    session.agent = notice.agent;
    this.broadcastState(session);
  }

  /** A computer came online: its sessions with viewers here start again (after a restart or a lost link). */
  private onPresence(message: PresenceMessage): void {
    if (message.type !== 'presence' || message.change !== 'online') return;
    for (const session of this.sessions.values()) {
      if (session.facts.computerId === message.computerId && !session.ended) this.start(session);
    }
  }

  /** Re-reads the session's facts (the sharer changed, an end-user arrived). */
  private async refresh(session: LocalSession): Promise<void> {
    try {
      const facts = await this.access.describe(session.sessionId);
      if (facts) session.facts = facts;
    } catch (error) {
      this.logger.warn(`reading session ${session.sessionId} failed: ${(error as Error).message}`);
    }
  }

  /** The agent side of the session: the computer's, or the sharing end-user's; null while nobody shares. */
  private endpointOf(session: LocalSession): string | null {
    const { computerId, sharer } = session.facts;
    if (computerId) return agentEndpoint(session.sessionId, null);
    return sharer ? agentEndpoint(session.sessionId, sharer) : null;
  }

  /**
   * Starts the agent's stream: a computer's through presence (the node holding its socket starts
   * serving the session's endpoint), an end-user's through its endpoint (served since its hello).
   */
  private start(session: LocalSession): void {
    const message: SessionToAgentMessage = { type: 'session-start', sessionId: session.sessionId, maxFps: DEFAULT_SESSION_MAX_FPS, quality: DEFAULT_SESSION_QUALITY };
    session.keyframeAskedAt = 0;
    if (session.facts.computerId) {
      const computerId = session.facts.computerId;
      void this.presence
        .publish({ type: 'to-agent', computerId, message })
        .catch((error: unknown) => this.logger.warn(`starting session ${session.sessionId} failed: ${(error as Error).message}`));
      return;
    }
    this.toAgent(session, message);
  }

  /** Sends to the session's agent endpoint; false when the session has none yet. */
  private toAgent(session: LocalSession, message: SessionToAgentMessage): boolean {
    const endpoint = this.endpointOf(session);
    if (!endpoint) return false;
    this.relay.publishToAgent(endpoint, JSON.stringify(message));
    return true;
  }

  /** One keyframe request for all the viewers that need one, repeated only if it does not come. */
  private askKeyframe(session: LocalSession): void {
    const now = Date.now();
    if (session.keyframeAskedAt !== 0 && now - session.keyframeAskedAt < KEYFRAME_RETRY_MS) return;
    if (this.toAgent(session, { type: 'keyframe', sessionId: session.sessionId })) session.keyframeAskedAt = now;
  }

  private publishRoster(session: LocalSession, ask: boolean): void {
    this.relay.publishToViewers(session.sessionId, relayText({ type: 'roster', node: this.nodeId, viewers: localViewers(session), ask }));
  }

  private broadcastState(session: LocalSession): void {
    const seen = new Set<string>();
    const viewers: SessionViewerInfo[] = [];
    for (const info of [...localViewers(session), ...[...session.remote.values()].flat()]) {
      if (seen.has(info.userId)) continue;
      seen.add(info.userId);
      viewers.push(info);
    }
    const message: ViewerServerMessage = { type: 'state', agent: session.agent, viewers, sharer: session.facts.sharer };
    for (const socket of session.viewers.keys()) this.send(socket, message);
  }

  /**
   * Runs the viewer's audit writes one after the other, also after the link closed (what was
   * forwarded is recorded); a flood closes the link. `leaving` is never refused.
   */
  private audit(socket: WebSocket, state: ViewerState, run: () => Promise<unknown>, leaving = false): void {
    if (state.pendingAudit >= MAX_PENDING_AUDIT && !leaving) {
      return this.refuse(socket, 'TOO_MANY_MESSAGES', `At most ${MAX_PENDING_AUDIT} prompt lines and requests may wait to be recorded`, SESSION_CLOSE.PROTOCOL_ERROR);
    }
    state.pendingAudit += 1;
    state.audit = state.audit
      .then(async () => {
        await run();
      })
      .catch((error: unknown) => this.logger.warn(`session ${state.grant?.sessionId ?? '?'}: recording a viewer's action failed: ${(error as Error).message}`))
      .finally(() => {
        state.pendingAudit -= 1;
      });
  }

  private error(socket: WebSocket, code: ViewerErrorCode, message: string): void {
    this.send(socket, { type: 'error', code, message });
  }

  /** Sends an `error`, then closes: the console learns why before the close code tells it what to do. */
  private refuse(socket: WebSocket, code: ViewerErrorCode, message: string, closeCode: number): void {
    const grant = this.viewers.get(socket)?.grant;
    if (grant && VIEWER_PROTOCOL_VIOLATIONS.has(code)) {
      const state = this.viewers.get(socket)!;
      const by: Actor = { kind: grant.kind === 'guest' ? 'customer' : 'user', id: grant.userId };
      this.access.protocolViolation(grant.sessionId, by, code, state).catch((error: unknown) => {
        this.logger.warn(`recording a protocol violation of session ${grant.sessionId} failed: ${(error as Error).message}`);
      });
    }
    this.error(socket, code, message);
    this.close(socket, closeCode, message);
  }

  private close(socket: WebSocket, code: number, reason: string): void {
    const state = this.viewers.get(socket);
    if (state) {
      if (state.helloTimer) clearTimeout(state.helloTimer);
      state.helloTimer = null;
      state.phase = 'closed';
    }
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, closeReason(reason));
  }

  private send(socket: WebSocket, message: ViewerServerMessage): void {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(message));
  }
}

function localViewers(session: LocalSession): SessionViewerInfo[] {
  const infos: SessionViewerInfo[] = [];
  for (const viewer of session.viewers.values()) {
    if (viewer.grant) infos.push({ userId: viewer.grant.userId, displayName: viewer.grant.displayName });
  }
  return infos;
}
