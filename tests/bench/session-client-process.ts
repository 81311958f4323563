import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { type ClientPlacement, localClients, type SimAgent, type SimViewer, streamAtRate } from './session-clients';

/**
 * Simulated clients in a process of their own, driven over IPC by the benchmark process: the agents
 * (senders) in one and the viewers (receivers, where a latency is read) in another, so that neither
 * the coordinating process's work nor the senders' garbage collection lands in the measured time.
 * A latency crosses processes on `sharedClock` (CLOCK_MONOTONIC, one origin for the whole machine).
 * Run as a script, this file is the client process; imported, it gives the handle that starts one.
 */

/** What a client process is asked to do; agents and viewers are named by their index in the process. */
type Request =
  | { op: 'agent'; url: string; hello: object | null }
  | { op: 'viewer'; url: string; hello: object | null }
  | { op: 'started'; agent: number; sessionId: string; viewers: number; awaitStart: boolean }
  | { op: 'stream'; agents: number[]; fps: number; ms: number; payloadBytes: number }
  | { op: 'record'; viewers: number[] }
  | { op: 'take'; viewers: number[] };

/** A viewer process's garbage-collection pauses while recording: they add to the latencies it reads. */
export interface GcPauses {
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** The handle of a client process: a `ClientPlacement` for its sockets, plus the measured drivers. */
export class ClientProcess {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exited: Error | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      const call = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) call?.resolve(reply.value);
      else call?.reject(new Error(reply.error));
    });
    child.once('exit', (code, signal) => {
      this.exited = new Error(`client process exited (${code ?? signal})`);
      for (const call of this.pending.values()) call.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Forks a client process running `script`: this file compiled, next to this one in dist/, by default. */
  static start(options: { script?: string; env?: NodeJS.ProcessEnv } = {}): ClientProcess {
    const script = options.script ?? path.join(__dirname, 'session-client-process.js');
    const child = fork(script, [], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new ClientProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Sends frames from these agents at `fps` each, phases spread, for `ms` (open loop); resolves with the frames sent. */
  stream(agents: number[], fps: number, ms: number, payloadBytes: number): Promise<number> {
    return this.call({ op: 'stream', agents, fps, ms, payloadBytes }) as Promise<number>;
  }

  /** Starts keeping the latency of every frame these viewers read, and the process's GC pauses. */
  async record(viewers: number[]): Promise<void> {
    await this.call({ op: 'record', viewers });
  }

  /** Stops recording and hands over what was kept since `record`. */
  take(viewers: number[]): Promise<{ latencies: number[]; gc: GcPauses }> {
    return this.call({ op: 'take', viewers }) as Promise<{ latencies: number[]; gc: GcPauses }>;
  }

  /** Ends the process (its sockets close with it) and resolves when it is gone. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await gone;
  }

  call(request: Request): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, request });
    });
  }
}

/**
 * Clients split over two processes: each session's agent in `agents`, its viewers in `viewers`.
 * Setups (session-relay-kit) open sessions through it as through clients in this process.
 */
export function splitClients(agents: ClientProcess, viewers: ClientProcess): ClientPlacement<number, number> {
  return {
    agent: (url, hello) => agents.call({ op: 'agent', url, hello }) as Promise<number>,
    viewer: (url, hello) => viewers.call({ op: 'viewer', url, hello }) as Promise<number>,
    started: async (agent, sessionId, count, awaitStart) => {
      await agents.call({ op: 'started', agent, sessionId, viewers: count, awaitStart });
    },
    close: async () => undefined,
  };
}

/** The client process's side: runs the requests on clients in this process until the parent disconnects. */
function serve(): void {
  const clients = localClients();
  const agents: SimAgent[] = [];
  const viewers: SimViewer[] = [];
  let gc = { count: 0, totalMs: 0, maxMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc = { count: gc.count + 1, totalMs: gc.totalMs + entry.duration, maxMs: Math.max(gc.maxMs, entry.duration) };
    }
  });
  const run = async (request: Request): Promise<unknown> => {
    switch (request.op) {
      case 'agent':
        return agents.push(await clients.agent(request.url, request.hello)) - 1;
      case 'viewer':
        return viewers.push(await clients.viewer(request.url, request.hello)) - 1;
      case 'started':
        return clients.started(agents[request.agent], request.sessionId, request.viewers, request.awaitStart);
      case 'stream':
        return streamAtRate(
          request.agents.map((i) => agents[i]),
          request.fps,
          request.ms,
          request.payloadBytes,
        );
      case 'record':
        for (const i of request.viewers) viewers[i].recording = true;
        gc = { count: 0, totalMs: 0, maxMs: 0 };
        observer.observe({ entryTypes: ['gc'] });
        return null;
      case 'take': {
        observer.disconnect();
        const latencies = request.viewers.flatMap((i) => {
          viewers[i].recording = false;
          return viewers[i].latencies.splice(0);
        });
        return { latencies, gc };
      }
      default: {
        const unknown: never = request;
        throw new Error(`unknown request ${JSON.stringify(unknown)}`);
      }
    }
  };
  process.on('message', ({ id, request }: { id: number; request: Request }) => {
    run(request).then(
      (value) => process.send!({ id, ok: true, value: value ?? null } satisfies Reply),
      (error: Error) => process.send!({ id, ok: false, error: error.message } satisfies Reply),
    );
  });
  // The parent stopped us, or died: the sockets go with the process.
  process.once('disconnect', () => process.exit(0));
}

if (require.main === module) serve();
