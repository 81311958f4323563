import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';

/**
 * Nest's `ws` adapter, minus the per-socket message pipeline when a gateway declares no
 * `@SubscribeMessage` handler (ours read their sockets themselves). That pipeline costs every socket
 * a few rxjs subscriptions and a second JSON.parse of every frame: with ten thousand idle agents
 * per node, it is most of a socket's memory beyond the socket itself.
 */
export class LeanWsAdapter extends WsAdapter {
  override bindMessageHandlers(client: unknown, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    if (handlers.length === 0) return;
    super.bindMessageHandlers(client, handlers, transform);
  }
}
