import type { IncomingMessage } from 'node:http';
import { Inject, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { RawData, WebSocket } from 'ws';
import {
  AGENT_CLOSE,
  AGENT_MAX_MESSAGE_BYTES,
  AGENT_PROTOCOL_VERSION,
  AGENT_SUPPORTED_PROTOCOLS,
  AGENT_WS_PATH,
  parseAgentMessage,
  type AgentMessage,
  type ServerToAgentMessage,
} from '../../application/contracts/agent.protocol';
import { SESSION_MAX_FRAME_BYTES } from '../../application/contracts/session.protocol';
import { CLOCK, type Clock } from '../../application/ports/clock.port';
import type { GeoLocation } from '../../application/ports/geolocation.port';
import type { PresenceMessage } from '../../application/ports/presence.port';
import { SESSION_ACCESS, type ParticipantGrant, type SessionAccess } from '../../application/session/session-access.port';
import { DomainError } from '../../domain/shared/domain-error';
import type { Actor } from '../../domain/shared/event';
import { AGENT_DIRECTORY, type AgentDirectory, type AgentIdentity } from './agent-directory';
import { AgentConnections } from './agent-connections';
import { AgentSessions, type ServedSession, type SessionSocketState } from './agent-sessions';
import type { AgentLinkInfrastructure } from './agent-link.infrastructure';
import { AGENT_LINK } from './agent-link.tokens';
import { requestOrigin } from '../http/agent/request-origin';
import { clientAddress, type TrustProxyFn } from './client-address';

/** Codes of the `error` message the gateway sends before it closes a socket (or, for a refused request, instead). */
export type AgentErrorCode =
  | 'MESSAGE_TOO_LARGE'
  | 'MALFORMED_MESSAGE'
  | 'BINARY_NOT_SUPPORTED'
  | 'HELLO_REQUIRED'
  | 'HELLO_TIMEOUT'
  | 'PROTOCOL_UNSUPPORTED'
  | 'UNAUTHORIZED'
  | 'COMPUTER_DISABLED'
  | 'COMPUTER_REMOVED'
  | 'REQUEST_REFUSED'
  | 'MALFORMED_FRAME'
  | 'UNKNOWN_SESSION';

/** Refusals of a message an agent sent that are recorded on the sessions its link serves. */
const SESSION_PROTOCOL_VIOLATIONS: ReadonlySet<AgentErrorCode> = new Set<AgentErrorCode>(['MESSAGE_TOO_LARGE', 'MALFORMED_MESSAGE', 'MALFORMED_FRAME', 'UNKNOWN_SESSION']);

/**
 * Text frames above AGENT_MAX_MESSAGE_BYTES and binary frames above SESSION_MAX_FRAME_BYTES get an
 * `error` and a 4400 close; frames so large that reading them is itself a cost (above this) are cut
 * by the ws library with 1009.
 */
const HARD_MAX_PAYLOAD_BYTES = Math.max(4 * AGENT_MAX_MESSAGE_BYTES, 2 * SESSION_MAX_FRAME_BYTES);
/** Heartbeats closer together than this are acknowledged by nothing and written nowhere: a chatty agent costs no store writes. */
const MIN_BEAT_GAP_MS = 1_000;

type Phase = 'hello' | 'authenticating' | 'ready' | 'closed';

/** The queue of a socket that has handled nothing yet: one shared settled promise rather than one per socket. */
const SETTLED: Promise<void> = Promise.resolve();

/** Read through a function: the phase changes while a handler awaits, which narrowing cannot see. */
const isClosed = (state: { phase: Phase }): boolean => state.phase === 'closed';

/** What the gateway keeps per socket: small on purpose, an idle agent should cost little more than its socket. */
interface AgentSocketState extends SessionSocketState {
  phase: Phase;
  readonly ip: string;
  readonly origin: string;
  /** The protocol of its hello: binary frames need 2. */
  protocol: number;
  agent: AgentIdentity | null;
  /** An end-user's agent (hello with a participant key): it speaks for its session only. */
  participant: ParticipantGrant | null;
  sessions: Map<string, ServedSession> | null;
  helloTimer: ReturnType<typeof setTimeout> | null;
  queue: Promise<void>;
  lastBeatMs: number;
  /** Closed by the server for a reason that already settled the computer's status (swept, removed, replaced). */
  settled: boolean;
}

/**
 * The agents' WebSocket (`/agent`, protocol in application/contracts/agent.protocol.ts). Every frame
 * is validated; a bad one gets an `error` and a 4400 close and changes nothing. Heartbeats go to the
 * presence store only; coming online and going offline are commands of the computer.
 */
@WebSocketGateway({ path: AGENT_WS_PATH, maxPayload: HARD_MAX_PAYLOAD_BYTES })
export class AgentGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('agent');
  private readonly sockets = new Map<WebSocket, AgentSocketState>();
  private readonly graceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private stopListening: (() => void) | null = null;
  private trust: TrustProxyFn | undefined;
  private destroyed = false;
  /** One listener for every socket (it reads `this` as the socket): no closure per agent. */
  private readonly onMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void;

  constructor(
    @Inject(AGENT_LINK) private readonly link: AgentLinkInfrastructure,
    @Inject(AGENT_DIRECTORY) private readonly directory: AgentDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly connections: AgentConnections,
    private readonly adapterHost: HttpAdapterHost,
    private readonly sessions: AgentSessions,
    @Inject(SESSION_ACCESS) private readonly access: SessionAccess,
  ) {
    const gateway = this;
    this.onMessage = function (this: WebSocket, data: RawData, isBinary: boolean) {
      gateway.receive(this, data, isBinary);
    };
  }

  onModuleInit(): void {
    this.stopListening = this.link.presence.subscribe((message) => this.route(message));
    const express = this.adapterHost.httpAdapter?.getInstance?.() as { get?: (name: string) => unknown } | undefined;
    const trust = express?.get?.('trust proxy fn');
    this.trust = typeof trust === 'function' ? (trust as TrustProxyFn) : undefined;
  }

  /**
   * At shutdown the sockets close. With in-process presence nobody will remember them after the
   * restart, so their computers are marked offline now; with Redis, other nodes' sweepers (or the
   * agents' reconnections elsewhere) decide.
   */
  async onModuleDestroy(): Promise<void> {
    this.destroyed = true;
    this.stopListening?.();
    this.stopListening = null;
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
    const online: AgentIdentity[] = [];
    for (const [socket, state] of this.sockets) {
      if (state.helloTimer) clearTimeout(state.helloTimer);
      if (state.agent && state.phase === 'ready') online.push(state.agent);
      state.phase = 'closed';
      socket.terminate();
    }
    this.sockets.clear();
    if (this.link.presenceAdapter === 'memory' && online.length > 0) {
      await Promise.allSettled(online.map((agent) => this.goOffline(agent.computerId, agent.accountId, 'disconnected', null)));
    }
  }

  handleConnection(socket: WebSocket, request?: IncomingMessage): void {
    if (this.destroyed) {
      socket.terminate();
      return;
    }
    const ip = request ? clientAddress(request, this.trust) : '';
    const state: AgentSocketState = {
      phase: 'hello',
      ip,
      origin: requestOrigin(request, this.link.publicUrl),
      protocol: 0,
      agent: null,
      participant: null,
      sessions: null,
      helloTimer: null,
      queue: SETTLED,
      lastBeatMs: 0,
      settled: false,
    };
    state.helloTimer = setTimeout(() => {
      state.helloTimer = null;
      if (state.phase === 'hello') this.refuse(socket, 'HELLO_TIMEOUT', `Say hello within ${this.link.config.helloTimeoutMs} ms`, AGENT_CLOSE.PROTOCOL_ERROR);
    }, this.link.config.helloTimeoutMs);
    this.sockets.set(socket, state);
    socket.on('message', this.onMessage);
  }

  handleDisconnect(socket: WebSocket): void {
    const state = this.sockets.get(socket);
    if (!state) return;
    this.sockets.delete(socket);
    if (state.helloTimer) clearTimeout(state.helloTimer);
    state.helloTimer = null;
    state.phase = 'closed';
    this.sessions.closed(socket, state, state);
    const agent = state.agent;
    // Only the computer's current socket speaks for it: a replaced or refused one leaves its status alone.
    if (!agent || !this.connections.delete(agent.computerId, socket) || state.settled || this.destroyed) return;
    // The agent may be back in a moment (a network blip, a restart): offline only if it is not.
    const timer = setTimeout(() => {
      this.graceTimers.delete(agent.computerId);
      if (this.connections.get(agent.computerId)) return;
      void this.goOffline(agent.computerId, agent.accountId, 'disconnected', { ifNodeId: this.link.nodeId });
    }, this.link.config.offlineGraceMs);
    const previous = this.graceTimers.get(agent.computerId);
    if (previous) clearTimeout(previous);
    this.graceTimers.set(agent.computerId, timer);
  }

  /** Number of open agent sockets on this node, authenticated or not (tests and benchmarks). */
  get connectionCount(): number {
    return this.sockets.size;
  }

  /**
   * Presence lost this computer: the sweeper removed its entry (missed heartbeats) or its key was
   * revoked. Its socket here, if any, is closed without a second offline.
   */
  closeComputer(computerId: string, code: number, error: { code: AgentErrorCode; message: string }): void {
    const socket = this.connections.get(computerId);
    if (!socket) return;
    const state = this.sockets.get(socket);
    if (state) state.settled = true;
    this.refuse(socket, error.code, error.message, code);
  }

  /** Marks the computer offline if presence still holds it as asked, and tells every node's consoles. */
  async goOffline(
    computerId: string,
    accountId: string,
    reason: 'disconnected' | 'missed-heartbeats',
    condition: { ifNodeId?: string; ifLastSeen?: string } | null,
  ): Promise<boolean> {
    try {
      if (condition && !(await this.link.presence.remove(computerId, condition))) return false;
      if (!condition) await this.link.presence.remove(computerId, { ifNodeId: this.link.nodeId });
      await this.directory.markOffline(computerId, accountId, reason);
      await this.link.presence.publish({ type: 'presence', computerId, tenantId: accountId, change: 'offline', at: this.clock.now() });
      return true;
    } catch (error) {
      this.logger.warn(`could not mark computer ${computerId} offline: ${(error as Error).message}`);
      return false;
    }
  }

  private receive(socket: WebSocket, data: RawData, isBinary: boolean): void {
    const state = this.sockets.get(socket);
    if (!state || state.phase === 'closed') return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) return this.receiveFrame(socket, state, bytes);
    if (bytes.length > AGENT_MAX_MESSAGE_BYTES) {
      return this.refuse(socket, 'MESSAGE_TOO_LARGE', `A message has at most ${AGENT_MAX_MESSAGE_BYTES} bytes`, AGENT_CLOSE.PROTOCOL_ERROR);
    }
    const parsed = parseAgentMessage(bytes.toString('utf8'));
    if ('error' in parsed) return this.refuse(socket, 'MALFORMED_MESSAGE', parsed.error, AGENT_CLOSE.PROTOCOL_ERROR);
    if (parsed.type === 'hello' ? state.phase !== 'hello' : state.phase === 'hello') {
      return this.refuse(socket, 'HELLO_REQUIRED', parsed.type === 'hello' ? 'Say hello once' : 'Say hello first', AGENT_CLOSE.PROTOCOL_ERROR);
    }
    if (parsed.type === 'hello') {
      state.phase = 'authenticating';
      if (state.helloTimer) clearTimeout(state.helloTimer);
      state.helloTimer = null;
    }
    // One message at a time per socket, in arrival order: a heartbeat never overtakes the hello it follows.
    state.queue = state.queue
      .then(() => (state.phase === 'closed' ? undefined : this.handle(socket, state, parsed)))
      .catch((error: unknown) => this.logger.error(`agent message failed: ${(error as Error).stack ?? String(error)}`));
  }

  /**
   * A binary frame (protocol 2): checked and published to the session's viewers as it is, outside the
   * message queue (a frame waits for nothing). Only for a session this socket serves.
   */
  private receiveFrame(socket: WebSocket, state: AgentSocketState, bytes: Buffer): void {
    if (state.phase !== 'ready' || state.protocol < 2) {
      return this.refuse(socket, 'BINARY_NOT_SUPPORTED', 'Binary frames need agent protocol 2 and a welcome first; protocol 1 carries JSON text only', AGENT_CLOSE.PROTOCOL_ERROR);
    }
    if (bytes.length > SESSION_MAX_FRAME_BYTES) {
      return this.refuse(socket, 'MESSAGE_TOO_LARGE', `A binary frame has at most ${SESSION_MAX_FRAME_BYTES} bytes`, AGENT_CLOSE.PROTOCOL_ERROR);
    }
    const refusal = this.sessions.frame(state, bytes);
    if (refusal) this.refuse(socket, refusal.code, refusal.message, AGENT_CLOSE.PROTOCOL_ERROR);
  }

  private async handle(socket: WebSocket, state: AgentSocketState, message: AgentMessage): Promise<void> {
    // An end-user's agent has no computer: no presence, name or facts to keep.
    if (state.participant && message.type !== 'prompt-exit' && message.type !== 'session-leave') {
      if (message.type !== 'heartbeat') this.send(socket, { type: 'error', code: 'REQUEST_REFUSED', message: `${message.type}: an end-user's agent has no computer here` });
      return;
    }
    switch (message.type) {
      case 'hello':
        return this.hello(socket, state, message);
      case 'heartbeat':
        return this.heartbeat(state);
      case 'set-name':
        return this.request(socket, () => this.directory.setAgentName(state.agent!, message.name, state));
      case 'facts':
        return this.request(socket, () => this.directory.reportFacts(state.agent!, message.facts, state));
      case 'prompt-exit':
      case 'session-leave': {
        const error = await this.sessions.message(state, message, state);
        if (error) this.refuse(socket, 'UNKNOWN_SESSION', error, AGENT_CLOSE.PROTOCOL_ERROR);
        return;
      }
      default: {
        const unhandled: never = message;
        return this.refuse(socket, 'MALFORMED_MESSAGE', `Unhandled message ${JSON.stringify(unhandled)}`, AGENT_CLOSE.PROTOCOL_ERROR);
      }
    }
  }

  private async hello(socket: WebSocket, state: AgentSocketState, message: Extract<AgentMessage, { type: 'hello' }>): Promise<void> {
    if (!AGENT_SUPPORTED_PROTOCOLS.includes(message.protocol)) {
      return this.refuse(socket, 'PROTOCOL_UNSUPPORTED', `This server speaks agent protocol ${AGENT_PROTOCOL_VERSION}: update the agent`, AGENT_CLOSE.UNSUPPORTED_VERSION);
    }
    state.protocol = message.protocol;
    if (!('agentKey' in message)) return this.participantHello(socket, state, message.participantKey);
    const result = await this.directory.authenticate(message.agentKey, state);
    if (isClosed(state)) return;
    if ('refused' in result) {
      return result.refused === 'disabled'
        ? this.refuse(socket, 'COMPUTER_DISABLED', 'The account’s plan disables this computer', AGENT_CLOSE.DISABLED)
        : this.refuse(socket, 'UNAUTHORIZED', 'This agent key is unknown or was revoked: enroll again', AGENT_CLOSE.UNAUTHORIZED);
    }
    const agent = result;
    state.agent = agent;
    state.phase = 'ready';
    const grace = this.graceTimers.get(agent.computerId);
    if (grace) clearTimeout(grace);
    this.graceTimers.delete(agent.computerId);
    const replaced = this.connections.set(agent.computerId, socket);
    if (replaced) {
      const old = this.sockets.get(replaced);
      if (old) old.settled = true;
      replaced.close(1000, 'Replaced by a newer connection of the same agent');
    }
    const now = this.clock.now();
    state.lastBeatMs = Date.parse(now);
    await this.link.presence.beat({ computerId: agent.computerId, tenantId: agent.accountId, nodeId: this.link.nodeId, ip: state.ip }, now);
    if (isClosed(state)) return;
    this.send(socket, {
      type: 'welcome',
      protocol: AGENT_PROTOCOL_VERSION,
      computerId: agent.computerId,
      name: agent.name,
      heartbeatIntervalMs: this.link.config.heartbeatIntervalMs,
      screenshotIntervalMs: this.link.config.screenshotIntervalMs,
      screenshotUrl: `${state.origin}/api/agent/screenshot`,
    });
    await this.request(socket, () => this.directory.reportFacts(agent, message.facts, state));
    // Gone already: the disconnect's grace timer settles its status.
    if (isClosed(state)) return;
    await this.comeOnline(socket, state, agent);
  }

  /** An end-user's agent (protocol 2) that joined a session by link or connection ID: it serves that session only. */
  private async participantHello(socket: WebSocket, state: AgentSocketState, participantKey: string): Promise<void> {
    if (state.protocol < 2) {
      return this.refuse(socket, 'PROTOCOL_UNSUPPORTED', `Sessions need agent protocol ${AGENT_PROTOCOL_VERSION}: update the agent`, AGENT_CLOSE.UNSUPPORTED_VERSION);
    }
    const grant = await this.access.authenticateParticipant(participantKey, state);
    if (isClosed(state)) return;
    if ('refused' in grant) return this.refuse(socket, 'UNAUTHORIZED', grant.message, AGENT_CLOSE.UNAUTHORIZED);
    state.participant = grant;
    state.phase = 'ready';
    // No computer: the agent takes no screenshots (empty URL) and sends heartbeats only to keep the link alive.
    this.send(socket, {
      type: 'welcome',
      protocol: AGENT_PROTOCOL_VERSION,
      computerId: '',
      name: grant.computerName ?? '',
      heartbeatIntervalMs: this.link.config.heartbeatIntervalMs,
      screenshotIntervalMs: 0,
      screenshotUrl: '',
    });
    this.sessions.serve(socket, state, grant.sessionId, grant.participantId, grant, true);
  }

  private async comeOnline(socket: WebSocket, state: AgentSocketState, agent: AgentIdentity): Promise<void> {
    let location: GeoLocation | null = null;
    try {
      location = state.ip ? await this.link.geolocation.locate(state.ip) : null;
    } catch (error) {
      this.logger.warn(`geolocation of ${state.ip} failed: ${(error as Error).message}`);
    }
    try {
      await this.directory.markOnline(agent, location, this.link.nodeId, state);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'COMPUTER_DISABLED') {
        state.settled = true;
        await this.link.presence.remove(agent.computerId, { ifNodeId: this.link.nodeId });
        return this.refuse(socket, 'COMPUTER_DISABLED', error.message, AGENT_CLOSE.DISABLED);
      }
      if (error instanceof DomainError && error.code === 'COMPUTER_NOT_FOUND') {
        state.settled = true;
        return this.refuse(socket, 'UNAUTHORIZED', 'This computer was removed: enroll again', AGENT_CLOSE.UNAUTHORIZED);
      }
      throw error;
    }
    await this.link.presence.publish({ type: 'presence', computerId: agent.computerId, tenantId: agent.accountId, change: 'online', at: this.clock.now() });
  }

  private async heartbeat(state: AgentSocketState): Promise<void> {
    const agent = state.agent!;
    const now = this.clock.now();
    const nowMs = Date.parse(now);
    if (nowMs - state.lastBeatMs < Math.min(MIN_BEAT_GAP_MS, this.link.config.heartbeatIntervalMs / 2)) return;
    state.lastBeatMs = nowMs;
    const beat = await this.link.presence.beat({ computerId: agent.computerId, tenantId: agent.accountId, nodeId: this.link.nodeId, ip: state.ip }, now);
    // The sweeper removed it while this agent was slow (or presence restarted): it is back.
    if (beat.first && state.phase === 'ready') {
      const socket = this.connections.get(agent.computerId);
      if (socket) await this.comeOnline(socket, state, agent);
    }
  }

  /** Runs an agent request; a refusal by the computer's rules is answered with an `error`, the link stays up. */
  private async request(socket: WebSocket, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.send(socket, { type: 'error', code: error.code, message: error.message });
    }
  }

  /** Messages from every node: deliver to agents whose socket is here. */
  private route(message: PresenceMessage): void {
    switch (message.type) {
      case 'to-agent':
        this.toAgent(message.computerId, message.message);
        return;
      case 'disconnect':
        this.closeComputer(message.computerId, message.code, {
          code: message.code === AGENT_CLOSE.UNAUTHORIZED ? 'COMPUTER_REMOVED' : 'COMPUTER_DISABLED',
          message: message.reason,
        });
        return;
      case 'presence':
        return;
      default: {
        const unhandled: never = message;
        this.logger.warn(`unknown presence message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /**
   * Delivers a message to the computer's socket if it is on this node. A `session-start` makes the
   * socket serve the session first, so that the frames it answers with are accepted.
   */
  private toAgent(computerId: string, message: ServerToAgentMessage): void {
    const socket = this.connections.get(computerId);
    const state = socket && this.sockets.get(socket);
    if (!socket || !state || state.phase !== 'ready') return;
    if (message.type === 'session-start') {
      if (state.protocol < 2) return;
      this.sessions.serve(socket, state, message.sessionId, null, null, false);
    }
    if (message.type === 'session-end') this.sessions.stopServing(socket, state, message.sessionId);
    this.send(socket, message);
  }

  /** Sends an `error`, then closes: the agent learns why before the close code tells it what to do. */
  private refuse(socket: WebSocket, code: AgentErrorCode, message: string, closeCode: number): void {
    const state = this.sockets.get(socket);
    if (state && state.phase !== 'closed' && SESSION_PROTOCOL_VIOLATIONS.has(code)) this.auditViolation(state, code);
    if (state) {
      if (state.helloTimer) clearTimeout(state.helloTimer);
      state.helloTimer = null;
      // Nothing queued after a refusal runs: the socket is as good as closed.
      state.phase = 'closed';
    }
    this.send(socket, { type: 'error', code, message });
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(closeCode, closeReason(message));
  }

  /** A link serving sessions broke the protocol: each session's audit log shows it (the link closes). */
  private auditViolation(state: AgentSocketState, code: AgentErrorCode): void {
    const by: Actor | null = state.participant
      ? { kind: 'customer', id: state.participant.participantId }
      : state.agent
        ? { kind: 'agent', id: state.agent.computerId }
        : null;
    if (!by) return;
    for (const sessionId of state.sessions?.keys() ?? []) {
      this.access.protocolViolation(sessionId, by, code, state).catch((error: unknown) => {
        this.logger.warn(`recording a protocol violation of session ${sessionId} failed: ${(error as Error).message}`);
      });
    }
  }

  private send(socket: WebSocket, message: ServerToAgentMessage): void {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(message));
  }
}

/** A close reason fits in 123 bytes of UTF-8; cut on a character boundary. */
export function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason, 'utf8') > 123) reason = reason.slice(0, -1);
  return reason;
}
