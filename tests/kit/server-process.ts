import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

/** Root of the repository: the child runs from here so that relative defaults resolve as with `npm start`. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The compiled server that `npm run build` produces; tests of the real process run this, never the sources. */
export const SERVER_MAIN = path.join(REPO_ROOT, 'dist', 'adapters', 'nest', 'main.js');

/** An operator token the tests pass as OPERATOR_TOKEN (22+ printable characters). */
export const TEST_OPERATOR_TOKEN = 'process-test-operator-token-0123456789';

/**
 * Variables of the parent that would switch the child to other adapters or nodes; a test that
 * wants them passes them explicitly in `env`.
 */
const NOT_INHERITED = ['PORT', 'HOST', 'DATA_DIR', 'EVENTSTORE_URL', 'MONGO_URL', 'MONGO_DB', 'REDIS_URL', 'SMTP_URL', 'OPERATOR_TOKEN', 'UI_DIST', 'LOG_LEVEL'];

/** Most bytes of each output stream kept for diagnostics; older output is dropped. */
const OUTPUT_TAIL_BYTES = 64 * 1024;

export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnServerOptions {
  /** DATA_DIR of the child. */
  readonly dataDir: string;
  /** Port to listen on; 0 or omitted picks a free one (bound once by the parent to find it). */
  readonly port?: number;
  /** Extra environment; wins over the defaults (LOG_LEVEL=warn, OPERATOR_TOKEN=TEST_OPERATOR_TOKEN, HOST=127.0.0.1). */
  readonly env?: Readonly<Record<string, string>>;
  /** Script to run; the compiled server by default. */
  readonly main?: string;
}

export interface StartServerOptions extends SpawnServerOptions {
  /** Longest wait for `/health` to answer 200; 20 s by default. */
  readonly readyTimeoutMs?: number;
}

export interface ServerProcess {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** `Authorization` header with the operator token the child was given. */
  readonly auth: { readonly Authorization: string };
  /** Resolves once the child has exited (never rejects). */
  readonly exited: Promise<ServerExit>;
  /** Whether the child has exited already. */
  hasExited(): boolean;
  /** Sends a signal (SIGKILL to simulate a crash) and resolves when the child is gone. */
  kill(signal?: NodeJS.Signals): Promise<ServerExit>;
  /**
   * Graceful stop: SIGTERM, then SIGKILL if the child is still alive after `timeoutMs` (10 s);
   * rejects in that case, because a server that ignores SIGTERM loses its last snapshot.
   */
  stop(timeoutMs?: number): Promise<ServerExit>;
  /** What the child wrote to stderr (the last 64 KiB). */
  stderr(): string;
  /** What the child wrote to stdout (the last 64 KiB): pino's JSON log lines. */
  stdout(): string;
}

const running = new Set<ServerProcess>();

/** Binds port 0 on 127.0.0.1 and releases it: a port that was free an instant ago. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;

  append(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes > OUTPUT_TAIL_BYTES && this.chunks.length > 1) this.bytes -= this.chunks.shift()!.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function assertCompiled(main: string): void {
  if (!existsSync(main)) {
    throw new Error(`The compiled server ${main} does not exist: run \`npm run build\` first (npm test builds before jest).`);
  }
}

/**
 * Starts the server as a child process without waiting for it: for tests that expect it to
 * refuse to start. The returned `url` is where it will listen if it does start.
 */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const main = options.main ?? SERVER_MAIN;
  assertCompiled(main);
  const port = options.port && options.port > 0 ? options.port : await findFreePort();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !NOT_INHERITED.includes(name)));
  const env: Record<string, string | undefined> = {
    ...inherited,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
    // A directory that does not exist: the server answers its "console not built" page, quickly.
    UI_DIST: path.join(options.dataDir, 'no-ui'),
    ...options.env,
    PORT: String(port),
    DATA_DIR: options.dataDir,
  };
  const child: ChildProcess = spawn(process.execPath, [main], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = new OutputTail();
  const err = new OutputTail();
  child.stdout!.on('data', (chunk: Buffer) => out.append(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.append(chunk));
  let exit: ServerExit | null = null;
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('error', (error) => {
      err.append(Buffer.from(`spawn failed: ${error.message}\n`));
      exit ??= { code: null, signal: null };
      resolve(exit);
    });
    // 'close' rather than 'exit': by then stdout and stderr are fully read.
    child.once('close', (code, signal) => {
      exit ??= { code, signal };
      resolve(exit);
    });
  });
  if (child.pid === undefined) {
    await exited;
    throw new Error(`Could not start ${main}: ${err.text().trim()}`);
  }
  const pid = child.pid;
  const token = env.OPERATOR_TOKEN ?? TEST_OPERATOR_TOKEN;

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<ServerExit> => {
    if (exit === null) child.kill(signal);
    return exited;
  };
  const server: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    dataDir: options.dataDir,
    auth: { Authorization: `Bearer ${token}` },
    exited,
    hasExited: () => exit !== null,
    kill,
    async stop(timeoutMs = 10_000) {
      if (exit !== null) return exit;
      child.kill('SIGTERM');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (outcome !== 'timeout') return outcome;
      await kill('SIGKILL');
      throw new Error(`Server pid ${pid} did not stop within ${timeoutMs} ms of SIGTERM; killed. stderr:\n${err.text()}`);
    },
    stderr: () => err.text(),
    stdout: () => out.text(),
  };
  running.add(server);
  void exited.then(() => running.delete(server));
  return server;
}

/** Polls `/health` until it answers 200; rejects early, with the child's stderr, if the child exits. */
export async function waitUntilReady(server: ServerProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const { code, signal } = await server.exited;
      throw new Error(
        `Server pid ${server.pid} exited before it was ready (code ${code}, signal ${signal}). stderr:\n${server.stderr().trim()}`,
      );
    }
    try {
      const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) {
        await res.arrayBuffer();
        return;
      }
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await server.kill('SIGKILL');
  throw new Error(
    `Server pid ${server.pid} was not ready within ${timeoutMs} ms (last /health: ${last}); killed it. stderr:\n${server.stderr().trim()}`,
  );
}

/** Starts the compiled server in `dataDir` and resolves once `/health` answers 200. */
export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const server = await spawnServer(options);
  await waitUntilReady(server, options.readyTimeoutMs);
  return server;
}

/** SIGKILLs every child started by this module that is still running: for `afterAll`/`afterEach` safety nets. */
export async function killAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.kill('SIGKILL')));
}
