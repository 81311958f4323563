import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { RegisterAccountCommand } from '../../application/account/account.commands';
import { AGENT_WS_PATH, type AgentFacts } from '../../application/contracts/agent.protocol';
import { AuthenticateAgentCommand, type AgentIdentity } from '../../application/computer/authenticate-agent.command';
import { agentPrincipal, ComputerCommandSupport, systemPrincipal } from '../../application/computer/computer-command-support';
import { composeAgentKey } from '../../application/computer/computer-tokens';
import { ApplicationError } from '../../application/errors';
import type { CommandMeta } from '../../application/handle-command';
import { CLOCK, type Clock } from '../../application/ports/clock.port';
import type { AllocateComputerSlot } from '../../domain/account/account-plan.commands';
import type { AccountStreamEvent } from '../../domain/account/account.state';
import type { EnrollComputer } from '../../domain/computer/computer.commands';
import { DomainError } from '../../domain/shared/domain-error';
import { operatorIn } from '../http/operator-auth.guard';
import type { AppInfrastructure } from '../nest/infrastructure';
import { APP_INFRASTRUCTURE } from '../nest/tokens';
import { findPackage } from '../system/package-info';
import { DemoAgent } from './demo-agent';

/** The system tenant that holds the demo computer; every account is shown it, nobody may change it. */
export const DEMO_ACCOUNT_ID = 'demo';
/** Where the demo agent keeps its key between restarts (the server keeps only its hash, as for any agent). */
export const DEMO_KEY_FILE = 'demo-agent.json';

export interface DemoIdentity {
  readonly accountId: string;
  readonly computerId: string;
}

interface DemoKeyFile {
  readonly computerId: string;
  readonly agentKey: string;
}

/**
 * The demo computer that `npm start` brings up (DEMO_COMPUTER=on): enrolled once in the `demo`
 * tenant, its key kept in DATA_DIR/demo-agent.json, and run by an in-process agent over the real
 * agent socket once the server listens.
 */
@Injectable()
export class DemoComputerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('demo');
  private current: DemoIdentity | null = null;
  private agent: DemoAgent | null = null;
  private readonly enabled: boolean;

  constructor(
    @Inject(APP_INFRASTRUCTURE) private readonly infra: AppInfrastructure,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly commands: CommandBus,
    private readonly computers: ComputerCommandSupport,
    private readonly http: HttpAdapterHost,
  ) {
    this.enabled = infra.agentLink.config.demoComputer;
  }

  /** The demo computer, once enrolled; null when DEMO_COMPUTER is off. */
  get identity(): DemoIdentity | null {
    return this.current;
  }

  isDemo(computerId: string): boolean {
    return this.current !== null && this.current.computerId === computerId;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    try {
      const key = await this.ensureEnrolled();
      this.current = { accountId: DEMO_ACCOUNT_ID, computerId: key.computerId };
      this.startWhenListening(key);
    } catch (error) {
      // The demo is a convenience: the server runs without it.
      this.logger.error(`demo computer unavailable: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent?.stop();
    this.agent = null;
  }

  /** Starts the in-process agent against this server's own address, once it listens. */
  private startWhenListening(key: DemoKeyFile): void {
    const server = this.http.httpAdapter?.getHttpServer() as import('node:http').Server | undefined;
    if (!server) return;
    const start = () => {
      const address = server.address() as AddressInfo | null;
      if (!address || typeof address !== 'object') return;
      const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
      const wsUrl = `ws://${host.includes(':') ? `[${host}]` : host}:${address.port}${AGENT_WS_PATH}`;
      this.agent = new DemoAgent({
        wsUrl,
        agentKey: key.agentKey,
        facts: this.facts(),
        clock: this.clock,
        log: (level, message) => (level === 'warn' ? this.logger.warn(message) : this.logger.log(message)),
      });
      this.agent.start();
    };
    if (server.listening) start();
    else server.once('listening', start);
  }

  /** The agent that waits for its welcome: tests use it to know the demo is up. */
  get demoAgent(): DemoAgent | null {
    return this.agent;
  }

  private facts(): AgentFacts {
    return {
      os: { platform: 'linux', release: os.release().slice(0, 128), arch: os.arch().slice(0, 32) },
      hostname: 'switchboard-demo',
      agentVersion: (findPackage()?.version ?? '0.0.0').slice(0, 32),
      loggedInUser: 'demo',
      installed: true,
    };
  }

  private keyFile(): string {
    return path.join(this.infra.config.dataDir, DEMO_KEY_FILE);
  }

  /** The demo's key from DATA_DIR if it still opens its computer; otherwise a newly enrolled demo computer. */
  private async ensureEnrolled(): Promise<DemoKeyFile> {
    const meta = (): CommandMeta => ({ correlationId: randomUUID(), source: { channel: 'system' } });
    const saved = await this.readKeyFile();
    if (saved) {
      try {
        const identity = await this.commands.execute<AuthenticateAgentCommand, AgentIdentity>(new AuthenticateAgentCommand(saved.agentKey, meta()));
        if (identity.accountId === DEMO_ACCOUNT_ID) return saved;
      } catch (error) {
        if (!(error instanceof ApplicationError && error.code === 'UNAUTHORIZED')) throw error;
      }
    }
    await this.commands
      .execute(new RegisterAccountCommand(operatorIn(DEMO_ACCOUNT_ID), { accountId: DEMO_ACCOUNT_ID, name: 'Switchboard demo', kind: 'msp' }, meta()))
      .catch((error: unknown) => {
        if (!(error instanceof DomainError && error.code === 'ACCOUNT_ALREADY_EXISTS')) throw error;
      });
    const computerId = this.computers.ids.newId();
    const system = systemPrincipal(DEMO_ACCOUNT_ID, 'demo');
    const slot = await this.computers.runAccount<AllocateComputerSlot>(
      DEMO_ACCOUNT_ID,
      { type: 'AllocateComputerSlot', data: { accountId: DEMO_ACCOUNT_ID, computerId, ownerUserId: 'demo' } },
      system,
      meta(),
    );
    const allocated = slot.events.find(
      (e): e is Extract<AccountStreamEvent, { type: 'AccountComputerSlotAllocated' }> => e.type === 'AccountComputerSlotAllocated',
    );
    if (!allocated) throw new Error('no slot for the demo computer');
    const agentKey = composeAgentKey(computerId, this.computers.secrets.token());
    await this.computers.runComputer<EnrollComputer>(
      computerId,
      {
        type: 'EnrollComputer',
        data: {
          computerId,
          accountId: DEMO_ACCOUNT_ID,
          ownerUserId: 'demo',
          method: 'cli',
          agentKeyHash: this.computers.digest(agentKey),
          name: 'Demo computer',
          facts: this.facts(),
          planStatus: allocated.data.planStatus,
          ...(allocated.data.limitedUntil ? { limitedUntil: allocated.data.limitedUntil } : {}),
        },
      },
      agentPrincipal(computerId, DEMO_ACCOUNT_ID),
      meta(),
    );
    const key = { computerId, agentKey };
    await fs.writeFile(this.keyFile(), `${JSON.stringify(key)}\n`, { mode: 0o600 });
    this.logger.log(`demo computer ${computerId} enrolled`);
    return key;
  }

  private async readKeyFile(): Promise<DemoKeyFile | null> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.keyFile(), 'utf8')) as Partial<DemoKeyFile>;
      return typeof parsed.computerId === 'string' && typeof parsed.agentKey === 'string' ? { computerId: parsed.computerId, agentKey: parsed.agentKey } : null;
    } catch {
      return null;
    }
  }
}
