import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProjectionHealthView } from '../../application/contracts/health.view';

/** How a command ended, as counted by `switchboard_commands_total`. */
export type CommandOutcome = 'ok' | 'rejected' | 'conflict' | 'error';

export interface MetricsOptions {
  /** Node process metrics (heap, event loop lag...). Off in tests that boot several apps. */
  readonly processMetrics?: boolean;
  /** Projection states for the lag gauges, read at scrape time. */
  readonly projections?: () => Promise<readonly ProjectionHealthView[]> | readonly ProjectionHealthView[];
}

/**
 * The metrics of one app, in its own registry (not prom-client's global one) so that two apps
 * in one process, as in the e2e tests, do not clash.
 */
export class AppMetrics {
  readonly registry = new Registry();
  readonly appendDuration: Histogram<'outcome'>;
  readonly commands: Counter<'command' | 'outcome'>;
  readonly commandFailures: Counter<'command' | 'code'>;
  private projections?: MetricsOptions['projections'];

  constructor(options: MetricsOptions = {}) {
    this.projections = options.projections;
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    this.appendDuration = new Histogram({
      name: 'switchboard_append_duration_seconds',
      help: 'Time to append events to the event store',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.commands = new Counter({
      name: 'switchboard_commands_total',
      help: 'Commands handled, by command and outcome (ok, rejected by a rule, conflict, error)',
      labelNames: ['command', 'outcome'],
      registers: [this.registry],
    });
    this.commandFailures = new Counter({
      name: 'switchboard_command_failures_total',
      help: 'Commands that did not succeed, by command and error code',
      labelNames: ['command', 'code'],
      registers: [this.registry],
    });
    const self = this;
    new Gauge({
      name: 'switchboard_projection_lag_events',
      help: 'Events between a projection checkpoint and the head of the store (where countable)',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const p of await self.projectionStates()) {
          if (p.lagEvents !== undefined) this.set({ projection: p.name }, p.lagEvents);
        }
      },
    });
    new Gauge({
      name: 'switchboard_projection_lag_seconds',
      help: 'Age of the oldest event a projection has not applied yet (0 when caught up)',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const p of await self.projectionStates()) this.set({ projection: p.name }, p.lagMs / 1000);
      },
    });
  }

  /** Late binding: the projection runner exists after the metrics that wrap the event store. */
  observeProjections(source: NonNullable<MetricsOptions['projections']>): void {
    this.projections = source;
  }

  recordCommand(command: string, outcome: CommandOutcome, code?: string): void {
    this.commands.inc({ command, outcome });
    if (outcome !== 'ok') this.commandFailures.inc({ command, code: code ?? 'UNKNOWN' });
  }

  /** The exposition text and its content type, for `/metrics`. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async projectionStates(): Promise<readonly ProjectionHealthView[]> {
    try {
      return (await this.projections?.()) ?? [];
    } catch {
      return [];
    }
  }
}
