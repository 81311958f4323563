import { Inject, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { RawData, WebSocket } from 'ws';
import {
  CONSOLE_MAX_MESSAGE_BYTES,
  CONSOLE_PROTOCOL_VERSION,
  CONSOLE_WS_PATH,
  parseConsoleClientMessage,
  type ConsoleClientMessage,
  type ConsoleServerMessage,
  type ConsoleTopic,
} from '../../application/contracts/console.messages';
import type { HealthView } from '../../application/contracts/health.view';
import { ACCESS_TOKENS, type AccessTokens } from '../../application/ports/access-tokens.port';
import type { ReadModelChange } from '../../application/projections/projection-runner';
import { AUTH_SESSIONS } from '../../read-models/auth-sessions/auth-sessions.projection';
import { HealthService } from '../http/health.service';
import { OPERATOR_TOKEN } from '../http/operator-auth.guard';
import { SessionRevocations } from '../http/principal/session-revocations';
import type { AppInfrastructure } from '../nest/infrastructure';
import { APP_INFRASTRUCTURE } from '../nest/tokens';
import { tokenMatches } from '../system/operator-token';
import { sessionRefusal, signInConsole, type ConsoleSignInRefusal, type ConsoleUser } from './console-sign-in';
import { NOTICE_AUDIENCE, type AudienceRule } from './notice-audience';

/** Error codes of the console protocol's `error` message. */
export type ConsoleErrorCode =
  | 'MESSAGE_TOO_LARGE'
  | 'MALFORMED_MESSAGE'
  | 'BINARY_NOT_SUPPORTED'
  | 'PROTOCOL_UNSUPPORTED'
  | 'FORBIDDEN_TOPIC'
  | 'TOO_MANY_MESSAGES'
  | ConsoleSignInRefusal;

/** Who is on a socket: nobody until `hello` presents the operator token or a user's access token. */
type SocketPrincipal = { readonly kind: 'operator' } | ({ readonly kind: 'user' } & ConsoleUser) | null;

interface ConsoleClient {
  principal: SocketPrincipal;
  readonly topics: Set<ConsoleTopic>;
  /** The socket's messages are handled one after the other (a hello checks the session asynchronously). */
  inbox: Promise<void>;
  waiting: number;
}

/** Least time between two pushed health changes. */
export const HEALTH_PUSH_INTERVAL_MS = 1000;
/** Above this many unsent bytes a socket is skipped for notices: they are hints, the console's periodic refresh catches up. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/**
 * Frames above CONSOLE_MAX_MESSAGE_BYTES get an `error` answer; frames so large that reading them is
 * itself a cost (above this) close the socket with 1009, done by the ws library.
 */
const HARD_MAX_PAYLOAD_BYTES = 4 * CONSOLE_MAX_MESSAGE_BYTES;
/** Messages of one socket waiting to be handled; a console sends a handful, more is a misbehaving client. */
const MAX_WAITING_MESSAGES = 16;
/** User notices waiting for their document read; past this they are dropped (hints: the periodic refresh catches up). */
export const MAX_PENDING_NOTICES = 10_000;
/** Documents whose audience facts are remembered, to tell a deletion or a narrowed visibility to those who saw them. */
export const AUDIENCE_MEMORY_SIZE = 10_000;

/** Health without the fields that change on every check, to tell a real change from the clock moving. */
const healthFingerprint = (view: HealthView): string => JSON.stringify({ ...view, checkedAt: undefined, uptimeSeconds: undefined });

/** Where a document's audience facts are remembered. */
const factsKey = (change: ReadModelChange): string => `${change.projection}\u001f${change.tenantId}\u001f${change.id}`;

/**
 * The browser console's WebSocket (`/console`, protocol in application/contracts/console.messages.ts).
 * Every message is validated; a bad one gets an `error` with a code and changes nothing.
 *
 * `readModelUpdated` notices go to operator sockets (all of them) and to the signed-in users of the
 * document's tenant whom the projection's rule in NOTICE_AUDIENCE allows. Rules that depend on the
 * document read it once per notice, only when a user of that tenant is subscribed, and the facts they
 * read are remembered (LRU) so that the next notice of the document, a deletion included, also reaches
 * those who could see it before. A deleted document whose facts are not remembered is told to the
 * tenant's admins only: the others' periodic refresh drops it.
 */
@WebSocketGateway({ path: CONSOLE_WS_PATH, maxPayload: HARD_MAX_PAYLOAD_BYTES })
export class ConsoleGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('console');
  private readonly clients = new Map<WebSocket, ConsoleClient>();
  private readonly operators = new Set<WebSocket>();
  /** Signed-in user sockets by tenant, and by `tenant␟session` for revocations. */
  private readonly usersByTenant = new Map<string, Set<WebSocket>>();
  private readonly socketsBySession = new Map<string, Set<WebSocket>>();
  /** Last audience facts per document, oldest first (a Map keeps insertion order). */
  private readonly lastFacts = new Map<string, unknown>();
  /** User notices are delivered in commit order, each after its document read. */
  private deliveries: Promise<void> = Promise.resolve();
  private pendingNotices = 0;
  private droppedNotices = 0;
  private stopListening: (() => void) | null = null;
  private healthTimer: ReturnType<typeof setInterval> | null = null;
  private healthChecking = false;
  private lastHealth: string | null = null;

  constructor(
    @Inject(APP_INFRASTRUCTURE) private readonly infra: AppInfrastructure,
    @Inject(OPERATOR_TOKEN) private readonly operatorToken: string,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
    private readonly sessions: SessionRevocations,
    private readonly health: HealthService,
  ) {}

  onModuleInit(): void {
    this.stopListening = this.infra.runner.onChange((change) => this.notify(change));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
    this.stopListening = null;
    this.stopHealthTimer();
    for (const socket of this.clients.keys()) socket.terminate();
    this.clients.clear();
    this.operators.clear();
    this.usersByTenant.clear();
    this.socketsBySession.clear();
    this.lastFacts.clear();
  }

  handleConnection(socket: WebSocket): void {
    const client: ConsoleClient = { principal: null, topics: new Set(), inbox: Promise.resolve(), waiting: 0 };
    this.clients.set(socket, client);
    socket.on('message', (data: RawData, isBinary: boolean) => this.enqueue(socket, client, data, isBinary));
  }

  handleDisconnect(socket: WebSocket): void {
    const client = this.clients.get(socket);
    if (client) this.setPrincipal(socket, client, null);
    this.clients.delete(socket);
    if (!this.hasHealthSubscribers()) this.stopHealthTimer();
  }

  /** Number of open console sockets (for tests and metrics). */
  get connections(): number {
    return this.clients.size;
  }

  private enqueue(socket: WebSocket, client: ConsoleClient, data: RawData, isBinary: boolean): void {
    if (client.waiting >= MAX_WAITING_MESSAGES) {
      return this.error(socket, 'TOO_MANY_MESSAGES', `At most ${MAX_WAITING_MESSAGES} messages may wait for an answer`);
    }
    client.waiting += 1;
    client.inbox = client.inbox
      .then(() => this.receive(socket, client, data, isBinary))
      .catch((error: unknown) => this.logger.warn(`console message failed: ${(error as Error).message}`))
      .finally(() => {
        client.waiting -= 1;
      });
  }

  private async receive(socket: WebSocket, client: ConsoleClient, data: RawData, isBinary: boolean): Promise<void> {
    if (this.clients.get(socket) !== client) return;
    if (isBinary) return this.error(socket, 'BINARY_NOT_SUPPORTED', 'The console protocol is JSON text');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (bytes.length > CONSOLE_MAX_MESSAGE_BYTES) {
      return this.error(socket, 'MESSAGE_TOO_LARGE', `A message has at most ${CONSOLE_MAX_MESSAGE_BYTES} bytes`);
    }
    const parsed = parseConsoleClientMessage(bytes.toString('utf8'));
    if ('error' in parsed) return this.error(socket, 'MALFORMED_MESSAGE', parsed.error);
    await this.handle(socket, client, parsed);
  }

  private async handle(socket: WebSocket, client: ConsoleClient, message: ConsoleClientMessage): Promise<void> {
    switch (message.event) {
      case 'hello': {
        if (message.data.protocol !== CONSOLE_PROTOCOL_VERSION) {
          return this.error(socket, 'PROTOCOL_UNSUPPORTED', `This server speaks protocol ${CONSOLE_PROTOCOL_VERSION}`);
        }
        const token = message.data.token;
        if (token !== undefined) {
          if (tokenMatches(this.operatorToken, token)) {
            this.setPrincipal(socket, client, { kind: 'operator' });
          } else {
            const signIn = await signInConsole({ tokens: this.tokens, sessions: this.sessions }, token);
            if (this.clients.get(socket) !== client) return;
            // A refused token leaves the socket anonymous, even if an earlier hello had signed it in.
            if ('refused' in signIn) {
              this.setPrincipal(socket, client, null);
              return this.error(socket, signIn.refused, signIn.message);
            }
            this.setPrincipal(socket, client, { kind: 'user', ...signIn.user });
          }
        }
        return this.send(socket, { event: 'welcome', data: { protocol: CONSOLE_PROTOCOL_VERSION, principal: client.principal?.kind ?? null } });
      }
      case 'subscribe': {
        const topics = message.data.topics;
        // All or nothing: a refused topic leaves the subscriptions as they were.
        if (topics.includes('read-models') && client.principal === null) {
          return this.error(socket, 'FORBIDDEN_TOPIC', 'Say hello with a token before subscribing to read-models');
        }
        const newHealth = topics.includes('health') && !client.topics.has('health');
        for (const topic of topics) client.topics.add(topic);
        if (newHealth) {
          void this.pushHealthTo(socket);
          this.startHealthTimer();
        }
        return;
      }
      case 'unsubscribe': {
        for (const topic of message.data.topics) client.topics.delete(topic);
        if (!this.hasHealthSubscribers()) this.stopHealthTimer();
        return;
      }
      default: {
        const unhandled: never = message;
        return this.error(socket, 'MALFORMED_MESSAGE', `Unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Changes who is on a socket, keeping the operator, tenant and session indexes in step. */
  private setPrincipal(socket: WebSocket, client: ConsoleClient, principal: SocketPrincipal): void {
    const old = client.principal;
    if (old?.kind === 'operator') this.operators.delete(socket);
    if (old?.kind === 'user') {
      removeFrom(this.usersByTenant, old.viewer.tenantId, socket);
      removeFrom(this.socketsBySession, sessionKey(old.viewer.tenantId, old.sessionId), socket);
    }
    client.principal = principal;
    if (principal?.kind === 'operator') this.operators.add(socket);
    if (principal?.kind === 'user') {
      addTo(this.usersByTenant, principal.viewer.tenantId, socket);
      addTo(this.socketsBySession, sessionKey(principal.viewer.tenantId, principal.sessionId), socket);
    }
  }

  /**
   * A signed-in socket's credential ended (expired, session revoked): it becomes anonymous and is told
   * why. Its subscriptions stay, so a hello with a fresh token resumes the notices.
   */
  private lapse(socket: WebSocket, client: ConsoleClient, code: ConsoleSignInRefusal, message: string): void {
    this.setPrincipal(socket, client, null);
    this.error(socket, code, message);
  }

  /** A read-model document changed: operators hear of it at once, the tenant's users through their rule. */
  private notify(change: ReadModelChange): void {
    if (change.projection === AUTH_SESSIONS) void this.recheckSession(change);
    const message: ConsoleServerMessage = {
      event: 'readModelUpdated',
      data: { collection: change.collection, id: change.id, position: change.position, deleted: change.deleted },
    };
    for (const socket of this.operators) {
      if (this.clients.get(socket)?.topics.has('read-models')) this.sendNotice(socket, message);
    }
    this.noticeUsers(change, message);
  }

  private noticeUsers(change: ReadModelChange, message: ConsoleServerMessage): void {
    const rule = NOTICE_AUDIENCE[change.projection];
    if (!rule) return;
    if (!this.hasSubscribedUser(change.tenantId) || this.pendingNotices >= MAX_PENDING_NOTICES) {
      // Nobody will use what was remembered about this document now, and it is no longer current.
      if (rule.facts) this.lastFacts.delete(factsKey(change));
      if (this.pendingNotices >= MAX_PENDING_NOTICES) this.dropped();
      return;
    }
    this.pendingNotices += 1;
    const facts = rule.facts && !change.deleted ? this.readFacts(change, rule.facts) : Promise.resolve(undefined);
    this.deliveries = this.deliveries
      .then(async () => this.deliverToUsers(change, rule, message, await facts))
      .catch((error: unknown) => this.logger.warn(`read-model notice failed: ${(error as Error).message}`))
      .finally(() => {
        this.pendingNotices -= 1;
      });
  }

  private hasSubscribedUser(tenantId: string): boolean {
    for (const socket of this.usersByTenant.get(tenantId) ?? []) {
      if (this.clients.get(socket)?.topics.has('read-models')) return true;
    }
    return false;
  }

  /** The document's audience facts, read in its own tenant; undefined when it is gone or unreadable. */
  private async readFacts(change: ReadModelChange, facts: NonNullable<AudienceRule['facts']>): Promise<unknown> {
    try {
      const doc = await this.infra.readStore.forTenant(change.tenantId).collection(change.collection).get(change.id);
      return doc ? facts(doc) : undefined;
    } catch (error) {
      this.logger.warn(`reading ${change.collection}/${change.id} for a console notice failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  private deliverToUsers(change: ReadModelChange, rule: AudienceRule, message: ConsoleServerMessage, current: unknown): void {
    let before: unknown;
    if (rule.facts) {
      const key = factsKey(change);
      before = this.lastFacts.get(key);
      this.lastFacts.delete(key);
      if (current !== undefined) {
        this.lastFacts.set(key, current);
        if (this.lastFacts.size > AUDIENCE_MEMORY_SIZE) this.lastFacts.delete(this.lastFacts.keys().next().value as string);
      }
    }
    const nowMs = Date.parse(this.infra.clock.now());
    for (const socket of [...(this.usersByTenant.get(change.tenantId) ?? [])]) {
      const client = this.clients.get(socket);
      if (client?.principal?.kind !== 'user' || !client.topics.has('read-models')) continue;
      if (client.principal.expiresAtMs <= nowMs) {
        this.lapse(socket, client, 'TOKEN_EXPIRED', 'The access token has expired: refresh it and say hello again');
        continue;
      }
      if (this.allowed(rule, client.principal.viewer, change.id, current, before)) this.sendNotice(socket, message);
    }
  }

  /** Whether the viewer may see the document now, or could see it before this change. */
  private allowed(rule: AudienceRule, viewer: ConsoleUser['viewer'], id: string, current: unknown, before: unknown): boolean {
    try {
      return rule.allows(viewer, id, current) || (before !== undefined && rule.allows(viewer, id, before));
    } catch (error) {
      this.logger.warn(`a notice audience rule threw: ${(error as Error).message}`);
      return false;
    }
  }

  /** A sign-in session changed: sockets signed in with it stop getting documents once it is no longer open. */
  private async recheckSession(change: ReadModelChange): Promise<void> {
    const sockets = this.socketsBySession.get(sessionKey(change.tenantId, change.id));
    if (!sockets || sockets.size === 0) return;
    for (const socket of [...sockets]) {
      const client = this.clients.get(socket);
      if (client?.principal?.kind !== 'user') continue;
      const { viewer, sessionId } = client.principal;
      try {
        const refusal = sessionRefusal(await this.sessions.check(viewer.tenantId, viewer.id, sessionId));
        // The socket may have said hello again meanwhile: only the same session lapses.
        if (refusal && client.principal?.kind === 'user' && client.principal.sessionId === sessionId && this.clients.get(socket) === client) {
          this.lapse(socket, client, refusal.refused, refusal.message);
        }
      } catch (error) {
        this.logger.warn(`checking a console socket's session failed: ${(error as Error).message}`);
      }
    }
  }

  private dropped(): void {
    this.droppedNotices += 1;
    // One line per thousand: a burst must not become a burst of log lines too.
    if (this.droppedNotices % 1000 === 1) this.logger.warn(`console notices dropped (${this.droppedNotices} so far): document reads are behind`);
  }

  /** A notice is a hint: a socket with a backlog skips it, and the console's periodic refresh catches up. */
  private sendNotice(socket: WebSocket, message: ConsoleServerMessage): void {
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
    this.send(socket, message);
  }

  /** Health for a new subscriber; when it differs from what the others last got, they get it too. */
  private async pushHealthTo(socket: WebSocket): Promise<void> {
    try {
      const view = await this.health.check();
      this.send(socket, { event: 'health', data: view });
      this.publishIfChanged(view, socket);
    } catch (error) {
      this.logger.warn(`health check for a console socket failed: ${(error as Error).message}`);
    }
  }

  private startHealthTimer(): void {
    if (this.healthTimer) return;
    this.healthTimer = setInterval(() => void this.pushHealthChanges(), HEALTH_PUSH_INTERVAL_MS);
    this.healthTimer.unref?.();
  }

  private stopHealthTimer(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = null;
    this.lastHealth = null;
  }

  /** Checks health at most once a second and pushes it to the health subscribers when it changed. */
  private async pushHealthChanges(): Promise<void> {
    if (this.healthChecking) return;
    this.healthChecking = true;
    try {
      this.publishIfChanged(await this.health.check());
    } catch (error) {
      this.logger.warn(`health check failed: ${(error as Error).message}`);
    } finally {
      this.healthChecking = false;
    }
  }

  private publishIfChanged(view: HealthView, except?: WebSocket): void {
    const fingerprint = healthFingerprint(view);
    if (fingerprint === this.lastHealth) return;
    this.lastHealth = fingerprint;
    for (const [socket, client] of this.clients) {
      if (socket === except || !client.topics.has('health') || socket.bufferedAmount > MAX_BUFFERED_BYTES) continue;
      this.send(socket, { event: 'health', data: view });
    }
  }

  private hasHealthSubscribers(): boolean {
    for (const client of this.clients.values()) if (client.topics.has('health')) return true;
    return false;
  }

  private error(socket: WebSocket, code: ConsoleErrorCode, message: string): void {
    this.send(socket, { event: 'error', data: { code, message } });
  }

  /** One socket's failure (closed under us, a throwing send) never reaches the loop that serves the others. */
  private send(socket: WebSocket, message: ConsoleServerMessage): void {
    if (socket.readyState !== socket.OPEN) return;
    try {
      socket.send(JSON.stringify(message));
    } catch (error) {
      this.logger.debug(`sending to a console socket failed: ${(error as Error).message}`);
    }
  }
}

const sessionKey = (tenantId: string, sessionId: string): string => `${tenantId}\u001f${sessionId}`;

function addTo(index: Map<string, Set<WebSocket>>, key: string, socket: WebSocket): void {
  const sockets = index.get(key);
  if (sockets) sockets.add(socket);
  else index.set(key, new Set([socket]));
}

function removeFrom(index: Map<string, Set<WebSocket>>, key: string, socket: WebSocket): void {
  const sockets = index.get(key);
  if (!sockets) return;
  sockets.delete(socket);
  if (sockets.size === 0) index.delete(key);
}
