import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppInfrastructure } from './infrastructure';
import { APP_INFRASTRUCTURE } from './tokens';

/**
 * Starts the projections when the app boots, writes the read-store snapshot periodically, and
 * at shutdown (SIGTERM/SIGINT or app.close()) stops projections, writes the last snapshot,
 * closes the stores and releases the data-directory lock, in that order.
 */
@Injectable()
export class LifecycleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('lifecycle');
  private snapshotTimer: ReturnType<typeof setInterval> | null = null;
  private flushing = false;

  constructor(@Inject(APP_INFRASTRUCTURE) private readonly infra: AppInfrastructure) {}

  /**
   * The runner catches up in the background: the server listens at once and /health shows each
   * projection `catching-up` with its lag; reads that must see a write pass `minPosition`.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.infra.runner.start();
    if (this.infra.readStoreAdapter === 'memory') {
      this.snapshotTimer = setInterval(() => void this.flush(), this.infra.config.snapshotIntervalMs);
      this.snapshotTimer.unref?.();
    }
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.snapshotTimer = null;
    if (signal) this.logger.log(`${signal} received: shutting down`);
    await this.infra.close();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      await this.infra.readStore.flush();
    } catch (error) {
      this.logger.error(`read-store snapshot failed: ${(error as Error).message}`);
    } finally {
      this.flushing = false;
    }
  }
}
