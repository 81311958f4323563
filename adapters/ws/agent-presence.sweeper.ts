import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AGENT_CLOSE } from '../../application/contracts/agent.protocol';
import { CLOCK, type Clock } from '../../application/ports/clock.port';
import { MISSED_HEARTBEATS_OFFLINE } from '../../application/ports/presence.port';
import { computerDecider } from '../../domain/computer/computer.decide';
import type { ComputerEvent } from '../../domain/computer/computer.events';
import type { AppInfrastructure } from '../nest/infrastructure';
import { APP_INFRASTRUCTURE } from '../nest/tokens';
import { AgentGateway } from './agent.gateway';
import type { AgentLinkInfrastructure } from './agent-link.infrastructure';
import { AGENT_LINK } from './agent-link.tokens';

/** Candidates read per round trip; a sweep goes on until the presence store has no more. */
const SWEEP_PAGE = 500;
/** Bound on one sweep's pages, so that one sweep cannot run forever against a store that keeps refilling. */
const MAX_PAGES_PER_SWEEP = 100;

/**
 * Turns missed heartbeats into ComputerWentOffline: every node sweeps the shared presence, and the
 * atomic conditional removal lets exactly one node mark each computer offline. A computer last seen
 * more than three heartbeat intervals ago is offline; its socket, if still open here, is closed.
 */
@Injectable()
export class AgentPresenceSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('agent-sweeper');
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<number> | null = null;
  private reconciling: Promise<number> | null = null;

  constructor(
    @Inject(AGENT_LINK) private readonly link: AgentLinkInfrastructure,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_INFRASTRUCTURE) private readonly infra: AppInfrastructure,
    private readonly gateway: AgentGateway,
  ) {}

  onApplicationBootstrap(): void {
    this.reconciling = this.reconcile().catch((error: unknown) => {
      this.logger.error(`presence reconciliation failed: ${(error as Error).message}`);
      return 0;
    });
    this.timer = setInterval(() => void this.sweep().catch((error: unknown) => this.logger.error(`sweep failed: ${(error as Error).message}`)), this.link.config.sweepIntervalMs);
    this.timer.unref?.();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reconciling;
    await this.running?.catch(() => undefined);
  }

  /**
   * A presence store that starts empty (in-process presence after a restart or a crash, a flushed
   * Redis) knows nothing of the computers the log says are online. Each of them is entered as seen
   * now, so that the sweep marks it offline three intervals later unless its agent says hello again:
   * no computer stays "online" forever because the process that held it died. Resolves to how many.
   */
  reconcile(): Promise<number> {
    this.reconciling ??= this.reconcileOnce();
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<number> {
    if ((await this.link.presence.count()) > 0) return 0;
    let seeded = 0;
    const now = this.clock.now();
    for await (const stream of this.infra.eventStore.listStreams()) {
      if (!stream.startsWith('computer-')) continue;
      const events = await this.infra.eventStore.readStream(stream);
      const state = events.reduce((s, e) => computerDecider.evolve(s, e as unknown as ComputerEvent), computerDecider.initialState());
      if (state.status !== 'active' || !state.online) continue;
      // Not over an entry a hello wrote meanwhile: that one is fresher.
      if (await this.link.presence.get(state.computerId)) continue;
      await this.link.presence.beat({ computerId: state.computerId, tenantId: state.accountId, nodeId: this.link.nodeId, ip: state.ip ?? '' }, now);
      seeded += 1;
    }
    if (seeded > 0) this.logger.log(`${seeded} computer(s) online in the log and unknown to presence: offline unless their agents say hello`);
    return seeded;
  }

  /** One sweep now (the timer calls it; tests too, with a fake clock). Resolves to the number of computers marked offline. */
  sweep(): Promise<number> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<number> {
    const cutoff = new Date(Date.parse(this.clock.now()) - MISSED_HEARTBEATS_OFFLINE * this.link.config.heartbeatIntervalMs).toISOString();
    let offline = 0;
    for (let page = 0; page < MAX_PAGES_PER_SWEEP; page++) {
      const candidates = await this.link.presence.lastSeenBefore(cutoff, SWEEP_PAGE);
      for (const entry of candidates) {
        const removed = await this.gateway.goOffline(entry.computerId, entry.tenantId, 'missed-heartbeats', { ifLastSeen: entry.lastSeen });
        if (!removed) continue;
        offline += 1;
        this.gateway.closeComputer(entry.computerId, AGENT_CLOSE.PROTOCOL_ERROR, {
          code: 'HELLO_REQUIRED',
          message: `No heartbeat for ${MISSED_HEARTBEATS_OFFLINE} intervals: reconnect and say hello`,
        });
      }
      if (candidates.length < SWEEP_PAGE) break;
    }
    return offline;
  }
}
