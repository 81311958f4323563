/** What `/health` answers and what the console status page shows live. */
export type ComponentStatus = 'up' | 'down';

export interface ProjectionHealthView {
  readonly name: string;
  readonly version: number;
  /** running: following live; rebuilding: a new version is catching up; failed: stopped on an event it cannot read. */
  readonly state: 'starting' | 'catching-up' | 'running' | 'rebuilding' | 'failed';
  readonly checkpoint: string;
  /** Events between the checkpoint and the head of the store, where the store can count them. */
  readonly lagEvents?: number;
  /** Milliseconds between now and the time of the newest event not yet applied (0 when caught up). */
  readonly lagMs: number;
  readonly error?: { readonly message: string; readonly position?: string; readonly eventType?: string };
}

export interface HealthView {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly checkedAt: string;
  readonly eventStore: { readonly status: ComponentStatus; readonly adapter: string; readonly head?: string; readonly error?: string };
  readonly readStore: { readonly status: ComponentStatus; readonly adapter: string; readonly error?: string };
  readonly projections: readonly ProjectionHealthView[];
}
