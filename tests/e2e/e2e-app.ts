import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import type { ConsoleServerMessage } from '../../application/contracts/console.messages';
import { bootstrap, type CreateAppOptions, type RunningApp } from '../../adapters/nest/bootstrap';
import { loadConfig, type AppConfig } from '../../adapters/nest/config';

export const TEST_TOKEN = 'e2e-operator-token-0123456789abcdef';

export interface E2eApp extends RunningApp {
  readonly dataDir: string;
  readonly config: AppConfig;
  readonly auth: { Authorization: string };
  /** Closes the app and removes the data directory (unless keepDataDir). */
  stop(options?: { keepDataDir?: boolean }): Promise<void>;
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'switchboard-e2e-'));
}

/** Boots the real app on the embedded adapters in a temp DATA_DIR, on a free port, quiet. */
export async function startApp(env: Record<string, string> = {}, options: CreateAppOptions = {}): Promise<E2eApp> {
  const dataDir = env.DATA_DIR ?? (await makeDataDir());
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    OPERATOR_TOKEN: TEST_TOKEN,
    UI_DIST: path.join(dataDir, 'no-ui'),
    // The demo computer runs only in tests that ask for it (DEMO_COMPUTER=on).
    DEMO_COMPUTER: 'off',
    ...env,
    DATA_DIR: dataDir,
  });
  const running = await bootstrap(config, options);
  return {
    ...running,
    dataDir,
    config,
    auth: { Authorization: `Bearer ${config.operatorToken ?? TEST_TOKEN}` },
    async stop({ keepDataDir = false } = {}) {
      await running.close();
      if (!keepDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A console socket that records every message it receives. */
export class ConsoleClient {
  readonly messages: ConsoleServerMessage[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as ConsoleServerMessage));
  }

  static async connect(url: string): Promise<ConsoleClient> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/console`);
    const client = new ConsoleClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits (bounded) for the first message after `from` that matches. */
  async next<E extends ConsoleServerMessage['event']>(
    event: E,
    { from = 0, timeoutMs = 5000 }: { from?: number; timeoutMs?: number } = {},
  ): Promise<Extract<ConsoleServerMessage, { event: E }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find((m) => m.event === event);
      if (found) return found as Extract<ConsoleServerMessage, { event: E }>;
      if (Date.now() > deadline) throw new Error(`no ${event} message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
