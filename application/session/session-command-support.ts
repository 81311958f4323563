import { Inject, Injectable, Optional } from '@nestjs/common';
import { maySee } from '../../domain/computer/computer.access';
import type { ActiveComputer } from '../../domain/computer/computer.state';
import { DomainError } from '../../domain/shared/domain-error';
import type { ConnectionCodeCommand } from '../../domain/session/connection-code.commands';
import { connectionCodeDecider } from '../../domain/session/connection-code.decide';
import type { ConnectionCodeState } from '../../domain/session/connection-code.state';
import type { PermalinkCommand } from '../../domain/session/permalink.commands';
import { permalinkDecider, permalinkStreamId } from '../../domain/session/permalink.decide';
import type { PermalinkState } from '../../domain/session/permalink.state';
import type { SessionCommand } from '../../domain/session/session.commands';
import { sessionDecider } from '../../domain/session/session.decide';
import type { ConnectionCodeEvent, PermalinkEvent, SessionEvent } from '../../domain/session/session.events';
import type { SessionState } from '../../domain/session/session.state';
import type { Decider, Event, Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import type { SecurityAction } from '../../domain/user/security-attempt';
import { CommandRunner } from '../command-runner';
import { ComputerCommandSupport } from '../computer/computer-command-support';
import type { CommandMeta, CommandResult } from '../handle-command';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../ports/clock.port';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port';
import { SECRET_GENERATOR, type SecretGenerator } from '../ports/secret-generator.port';
import { SecurityAttemptRecorder } from '../user/security-attempts';
import { isLive, UserCommandSupport } from '../user/user-command-support';

/** How long links and codes wait for their end-user (SUPPORT_LINK_TTL_MS, CONNECTION_CODE_TTL_MS). */
export const SESSION_TIMING = Symbol('SessionTiming');
export interface SessionTiming {
  readonly supportLinkTtlMs: number;
  readonly connectionCodeTtlMs: number;
}

/**
 * Computers that every signed-in user may open a session on although they live in another tenant:
 * the demo computer. Bound by the composition root to the demo service.
 */
export const OPEN_COMPUTERS = Symbol('OpenComputers');
export interface OpenComputers {
  isOpenToAll(computerId: string): boolean;
}

/** The server acting on a session for someone it authenticated itself (an end-user's agent, a viewer socket, a timer). */
export const sessionSystem = (tenantId: string, id = 'sessions'): Principal => ({ kind: 'system', id, tenantId });

/** A support link's session id: the first 32 hex digits of the token's SHA-256, so no index is needed and the token is never stored. */
export const LINK_SESSION_ID_LENGTH = 32;

/** The CommandBus message of every session use case. */
export { CommandMessage as SessionCommandMessage } from '../command-message';

/** Stream readers and writers, names and secrets every session use case needs, and the audit of refusals. */
@Injectable()
export class SessionCommandSupport {
  constructor(
    readonly runner: CommandRunner,
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(ID_GENERATOR) readonly ids: IdGenerator,
    @Inject(CLOCK) readonly clock: Clock,
    @Inject(SECRET_GENERATOR) readonly secrets: SecretGenerator,
    @Inject(SESSION_TIMING) readonly timing: SessionTiming,
    readonly users: UserCommandSupport,
    readonly computers: ComputerCommandSupport,
    private readonly security: SecurityAttemptRecorder,
    @Optional() @Inject(OPEN_COMPUTERS) private readonly openComputers: OpenComputers | null = null,
  ) {}

  /**
   * The computer a session opens on, if the caller may see it (the demo computer: every signed-in
   * user). Another tenant's computer is "not found"; one of the caller's account they may not see
   * is forbidden, and the refusal is audited.
   */
  async sessionComputer(principal: Principal, computerId: string, meta: CommandMeta): Promise<ActiveComputer> {
    const computer = await this.computers.loadComputer(computerId);
    if (computer.status !== 'active') throw new DomainError('COMPUTER_NOT_FOUND', 'No such computer');
    if (computer.accountId !== principal.tenantId) {
      if (principal.kind === 'user' && this.openComputers?.isOpenToAll(computerId)) return computer;
      throw new DomainError('COMPUTER_NOT_FOUND', 'No such computer');
    }
    if (!maySee(principal, computer)) {
      await this.refused(principal.tenantId, 'join-session', 'computer_forbidden', meta, principal);
      throw new DomainError('SESSION_FORBIDDEN', 'You may not open a session on this computer');
    }
    return computer;
  }

  private async load<E extends Event, S>(stream: string, decider: Pick<Decider<never, E, S>, 'evolve' | 'initialState'>): Promise<S> {
    const events = await this.store.readStream(stream);
    return events.reduce((s, e) => decider.evolve(s, e as unknown as E), decider.initialState());
  }

  loadSession(sessionId: string): Promise<SessionState> {
    return this.load(streamName('session', sessionId), sessionDecider);
  }

  loadCode(code: string): Promise<ConnectionCodeState> {
    return this.load(streamName('connectioncode', code), connectionCodeDecider);
  }

  loadPermalink(accountId: string, path: string): Promise<PermalinkState> {
    return this.load(streamName('permalink', permalinkStreamId(accountId, path)), permalinkDecider);
  }

  runSession(sessionId: string, command: Omit<SessionCommand, 'context'>, principal: Principal, meta: CommandMeta): Promise<CommandResult<SessionEvent>> {
    return this.runner.run(streamName('session', sessionId), sessionDecider, command as SessionCommand, principal, meta);
  }

  runCode(code: string, command: Omit<ConnectionCodeCommand, 'context'>, principal: Principal, meta: CommandMeta): Promise<CommandResult<ConnectionCodeEvent>> {
    return this.runner.run(streamName('connectioncode', code), connectionCodeDecider, command as ConnectionCodeCommand, principal, meta);
  }

  runPermalink(
    accountId: string,
    path: string,
    command: Omit<PermalinkCommand, 'context'>,
    principal: Principal,
    meta: CommandMeta,
  ): Promise<CommandResult<PermalinkEvent>> {
    return this.runner.run(streamName('permalink', permalinkStreamId(accountId, path)), permalinkDecider, command as PermalinkCommand, principal, meta);
  }

  /** The name a user shows in sessions: their profile's name, else the part of their email before the @, else their id. */
  async displayName(userId: string): Promise<string> {
    const user = await this.users.loadUser(userId);
    if (!isLive(user)) return userId.slice(0, 64);
    const name = user.profile ? `${user.profile.firstName} ${user.profile.lastName}`.trim() : '';
    return (name || user.email?.split('@')[0] || userId).slice(0, 64);
  }

  /** The account's session recording setting now (off for an account it cannot read). */
  async recordingOn(accountId: string): Promise<boolean> {
    const account = await this.computers.loadAccount(accountId);
    return account.status === 'open' && account.sessionRecording;
  }

  /** The session id a support link token stands for. */
  linkSessionId(token: string): string {
    return this.secrets.digest(token).slice(0, LINK_SESSION_ID_LENGTH);
  }

  /** Records a refused attempt for the audit log of `tenantId` (the anonymous one when unknown). */
  async refused(tenantId: string | null, action: SecurityAction, reason: string, meta: CommandMeta, principal?: Principal, sessionId?: string): Promise<void> {
    await this.security.record(
      tenantId,
      { action, reason, ...(principal?.kind === 'user' ? { userId: principal.id } : {}), ...(sessionId ? { sessionId } : {}) },
      meta,
      principal ? { kind: principal.kind, id: principal.id } : undefined,
    );
  }
}
