import { Inject, Injectable } from '@nestjs/common';
import type { HealthView } from '../../application/contracts/health.view';
import type { AppInfrastructure } from '../nest/infrastructure';
import { APP_INFRASTRUCTURE } from '../nest/tokens';
import { findPackage } from '../system/package-info';

const PING_TIMEOUT_MS = 2000;

const VERSION = findPackage()?.version ?? 'unknown';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The server's health: both stores answer, and every projection runs. A failed projection or
 * one store down is `degraded`, both stores down is `down`. Projections catching up are `ok`:
 * the server serves, and a read that needs a fresh model asks for it with `minPosition`.
 */
@Injectable()
export class HealthService {
  constructor(@Inject(APP_INFRASTRUCTURE) private readonly infra: AppInfrastructure) {}

  async check(): Promise<HealthView> {
    const { eventStore, readStore, runner, clock } = this.infra;
    const [events, read, projections] = await Promise.all([
      withTimeout(
        eventStore.ping().then(() => eventStore.headPosition()),
        PING_TIMEOUT_MS,
        'the event store',
      ).then(
        (head) => ({ status: 'up' as const, head }),
        (error: unknown) => ({ status: 'down' as const, error: messageOf(error) }),
      ),
      withTimeout(readStore.ping(), PING_TIMEOUT_MS, 'the read store').then(
        () => ({ status: 'up' as const }),
        (error: unknown) => ({ status: 'down' as const, error: messageOf(error) }),
      ),
      runner.health(),
    ]);
    const storesDown = [events, read].filter((c) => c.status === 'down').length;
    const failed = projections.some((p) => p.state === 'failed');
    const status = storesDown === 2 ? 'down' : storesDown === 1 || failed ? 'degraded' : 'ok';
    return {
      status,
      version: VERSION,
      uptimeSeconds: Math.floor((Date.now() - this.infra.startedAtMs) / 1000),
      checkedAt: clock.now(),
      eventStore: { adapter: this.infra.eventStoreAdapter, ...events },
      readStore: { adapter: this.infra.readStoreAdapter, ...read },
      projections,
    };
  }
}
