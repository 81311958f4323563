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
import type { ReadModelChange } from '../../application/projections/projection-runner';
import { HealthService } from '../http/health.service';
import { OPERATOR_TOKEN } from '../http/operator-auth.guard';
import type { AppInfrastructure } from '../nest/infrastructure';
import { APP_INFRASTRUCTURE } from '../nest/tokens';
import { tokenMatches } from '../system/operator-token';

/** Error codes of the console protocol's `error` message. */
export type ConsoleErrorCode =
  | 'MESSAGE_TOO_LARGE'
  | 'MALFORMED_MESSAGE'
  | 'BINARY_NOT_SUPPORTED'
  | 'PROTOCOL_UNSUPPORTED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN_TOPIC';

/** Who is on a socket: nobody until `hello` presents the operator token. */
type SocketPrincipal = 'operator' | null;

interface ConsoleClient {
  principal: SocketPrincipal;
  readonly topics: Set<ConsoleTopic>;
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

/** Health without the fields that change on every check, to tell a real change from the clock moving. */
const healthFingerprint = (view: HealthView): string => JSON.stringify({ ...view, checkedAt: undefined, uptimeSeconds: undefined });

/**
 * The browser console's WebSocket (`/console`, protocol in application/contracts/console.messages.ts).
 * Every message is validated; a bad one gets an `error` with a code and changes nothing.
 */
@WebSocketGateway({ path: CONSOLE_WS_PATH, maxPayload: HARD_MAX_PAYLOAD_BYTES })
export class ConsoleGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('console');
  private readonly clients = new Map<WebSocket, ConsoleClient>();
  private stopListening: (() => void) | null = null;
  private healthTimer: ReturnType<typeof setInterval> | null = null;
  private healthChecking = false;
  private lastHealth: string | null = null;

  constructor(
    @Inject(APP_INFRASTRUCTURE) private readonly infra: AppInfrastructure,
    @Inject(OPERATOR_TOKEN) private readonly operatorToken: string,
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
  }

  handleConnection(socket: WebSocket): void {
    this.clients.set(socket, { principal: null, topics: new Set() });
    socket.on('message', (data: RawData, isBinary: boolean) => this.receive(socket, data, isBinary));
  }

  handleDisconnect(socket: WebSocket): void {
    this.clients.delete(socket);
    if (!this.hasHealthSubscribers()) this.stopHealthTimer();
  }

  /** Number of open console sockets (for tests and metrics). */
  get connections(): number {
    return this.clients.size;
  }

  private receive(socket: WebSocket, data: RawData, isBinary: boolean): void {
    const client = this.clients.get(socket);
    if (!client) return;
    if (isBinary) return this.error(socket, 'BINARY_NOT_SUPPORTED', 'The console protocol is JSON text');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (bytes.length > CONSOLE_MAX_MESSAGE_BYTES) {
      return this.error(socket, 'MESSAGE_TOO_LARGE', `A message has at most ${CONSOLE_MAX_MESSAGE_BYTES} bytes`);
    }
    const parsed = parseConsoleClientMessage(bytes.toString('utf8'));
    if ('error' in parsed) return this.error(socket, 'MALFORMED_MESSAGE', parsed.error);
    this.handle(socket, client, parsed);
  }

  private handle(socket: WebSocket, client: ConsoleClient, message: ConsoleClientMessage): void {
    switch (message.event) {
      case 'hello': {
        if (message.data.protocol !== CONSOLE_PROTOCOL_VERSION) {
          return this.error(socket, 'PROTOCOL_UNSUPPORTED', `This server speaks protocol ${CONSOLE_PROTOCOL_VERSION}`);
        }
        if (message.data.token !== undefined) {
          if (!tokenMatches(this.operatorToken, message.data.token)) return this.error(socket, 'UNAUTHORIZED', 'Wrong token');
          client.principal = 'operator';
        }
        return this.send(socket, { event: 'welcome', data: { protocol: CONSOLE_PROTOCOL_VERSION, principal: client.principal } });
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

  /**
   * A read-model document changed. Until sign-in exists only operator sockets may see documents,
   * and the operator sees every tenant. The accounts issue narrows this to sockets whose principal
   * may read `change.tenantId` (and, per view, that very document).
   */
  private notify(change: ReadModelChange): void {
    const message: ConsoleServerMessage = {
      event: 'readModelUpdated',
      data: { collection: change.collection, id: change.id, position: change.position, deleted: change.deleted },
    };
    for (const [socket, client] of this.clients) {
      if (client.principal !== 'operator' || !client.topics.has('read-models')) continue;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) continue;
      this.send(socket, message);
    }
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

  private send(socket: WebSocket, message: ConsoleServerMessage): void {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(message));
  }
}
