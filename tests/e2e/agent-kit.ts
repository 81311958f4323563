import request from 'supertest';
import WebSocket from 'ws';
import {
  AGENT_PROTOCOL_VERSION,
  parseServerToAgentMessage,
  type AgentFacts,
  type EnrollResponse,
  type ServerToAgentMessage,
} from '../../application/contracts/agent.protocol';
import type { EventStore, RecordedEvent } from '../../application/ports/event-store.port';

export const LINUX_FACTS: AgentFacts = {
  os: { platform: 'linux', release: '6.8.0', arch: 'x64' },
  hostname: 'reception-pc',
  agentVersion: '1.0.0',
  loggedInUser: 'alice',
  installed: true,
};

/** Waits (bounded) until `check` gives a value: for asynchronous arrival, never for timing. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Enrolls a computer with the account's email and password, as the agent's first run does. */
export async function enrollWithPassword(url: string, username: string, password: string, facts: AgentFacts = LINUX_FACTS, name?: string): Promise<EnrollResponse> {
  const res = await request(url)
    .post('/api/agent/enroll')
    .send({ method: 'password', username, password, facts, ...(name ? { name } : {}) });
  if (res.status !== 201) throw new Error(`enroll: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as EnrollResponse;
}

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** A raw agent socket that records what the server says and how it closed. */
export class AgentSocket {
  readonly messages: ServerToAgentMessage[] = [];
  readonly raw: string[] = [];
  readonly closed: Promise<Closed>;
  private closedWith: Closed | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      const parsed = parseServerToAgentMessage(text);
      if (!('error' in parsed)) this.messages.push(parsed);
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() };
        resolve(this.closedWith);
      }),
    );
  }

  static async connect(baseUrl: string, headers: Record<string, string> = {}): Promise<AgentSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/agent`, { headers });
    const agent = new AgentSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return agent;
  }

  /** Connects and says hello; resolves with the welcome. */
  static async online(baseUrl: string, agentKey: string, facts: AgentFacts = LINUX_FACTS, headers: Record<string, string> = {}): Promise<AgentSocket> {
    const agent = await AgentSocket.connect(baseUrl, headers);
    agent.hello(agentKey, facts);
    await agent.next('welcome');
    return agent;
  }

  hello(agentKey: string, facts: AgentFacts = LINUX_FACTS, protocol = AGENT_PROTOCOL_VERSION): void {
    this.send({ type: 'hello', protocol, agentKey, facts });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  get isClosed(): boolean {
    return this.closedWith !== null;
  }

  /** The first message of this type after index `from`, waited for (bounded). */
  async next<T extends ServerToAgentMessage['type']>(type: T, from = 0, timeoutMs = 5000): Promise<Extract<ServerToAgentMessage, { type: T }>> {
    return eventually(
      () => this.messages.slice(from).find((m): m is Extract<ServerToAgentMessage, { type: T }> => m.type === type),
      `a ${type} message (got ${JSON.stringify(this.messages)})`,
      timeoutMs,
    );
  }

  async close(): Promise<void> {
    if (this.closedWith) return;
    this.socket.close();
    await this.closed;
  }
}

/** Every event of a stream, as the store has it. */
export async function streamEvents(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  return store.readStream(stream);
}
