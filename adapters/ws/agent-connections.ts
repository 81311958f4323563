import { Injectable } from '@nestjs/common';
import type { WebSocket } from 'ws';
import type { ServerToAgentMessage } from '../../application/contracts/agent.protocol';

/**
 * The agent sockets of this node, by computer: one per computer (a newer connection replaces an
 * older one). What the gateway, the sweeper and the routing of messages to agents share.
 */
@Injectable()
export class AgentConnections {
  private readonly byComputer = new Map<string, WebSocket>();

  get(computerId: string): WebSocket | undefined {
    return this.byComputer.get(computerId);
  }

  /** Registers the socket; returns the one it replaces, if any. */
  set(computerId: string, socket: WebSocket): WebSocket | undefined {
    const previous = this.byComputer.get(computerId);
    this.byComputer.set(computerId, socket);
    return previous === socket ? undefined : previous;
  }

  /** Forgets the socket if it is still the computer's current one; true when it was. */
  delete(computerId: string, socket: WebSocket): boolean {
    if (this.byComputer.get(computerId) !== socket) return false;
    this.byComputer.delete(computerId);
    return true;
  }

  get size(): number {
    return this.byComputer.size;
  }

  computerIds(): IterableIterator<string> {
    return this.byComputer.keys();
  }

  /** Sends to the computer's socket on this node; false when it has none here. */
  send(computerId: string, message: ServerToAgentMessage): boolean {
    const socket = this.byComputer.get(computerId);
    if (!socket || socket.readyState !== socket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }
}
