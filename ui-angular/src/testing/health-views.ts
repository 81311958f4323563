import type { HealthView } from '@contracts/health.view';

/** A healthy server with two projections, one still catching up. */
export function healthyView(overrides: Partial<HealthView> = {}): HealthView {
  return {
    status: 'ok',
    version: '0.1.0',
    uptimeSeconds: 3_725,
    checkedAt: '2025-03-01T10:00:00.000Z',
    eventStore: { status: 'up', adapter: 'sqlite', head: '1042' },
    readStore: { status: 'up', adapter: 'memory' },
    projections: [
      { name: 'computer-list', version: 1, state: 'running', checkpoint: '1042', lagEvents: 0, lagMs: 0 },
      { name: 'session-history', version: 2, state: 'catching-up', checkpoint: '990', lagEvents: 52, lagMs: 1_250 },
    ],
    ...overrides,
  };
}

/** The read store is down and one projection stopped on an event it cannot read. */
export function degradedView(checkedAt = '2025-03-01T10:00:05.000Z'): HealthView {
  return {
    status: 'degraded',
    version: '0.1.0',
    uptimeSeconds: 3_730,
    checkedAt,
    eventStore: { status: 'up', adapter: 'sqlite', head: '1050' },
    readStore: { status: 'down', adapter: 'mongodb', error: 'connection refused' },
    projections: [
      {
        name: 'computer-list',
        version: 1,
        state: 'failed',
        checkpoint: '1043',
        lagEvents: 7,
        lagMs: 4_000,
        error: { message: 'unknown event version', position: '1044', eventType: 'ComputerRenamed' },
      },
    ],
  };
}
