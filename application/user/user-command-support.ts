import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/shared/domain-error';
import type { Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import { emailClaimDecider, type EmailClaimEvent, type EmailClaimState } from '../../domain/user/email-claim';
import { normalizeEmail } from '../../domain/user/email';
import type { UserCommand } from '../../domain/user/user.commands';
import { userDecider } from '../../domain/user/user.decide';
import type { UserEvent } from '../../domain/user/user.events';
import type { LiveUser, UserState } from '../../domain/user/user.state';
import { CommandRunner } from '../command-runner';
import { ForbiddenError } from '../errors';
import type { CommandMeta, CommandResult } from '../handle-command';
import { ID_GENERATOR, type IdGenerator } from '../ports/clock.port';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port';
import { SECRET_GENERATOR, type SecretGenerator } from '../ports/secret-generator.port';
import { SecurityAttemptRecorder } from './security-attempts';

export const isLive = (state: UserState): state is LiveUser => state.status === 'pending' || state.status === 'active';

/** The principal of a user acting on their own behalf (also for flows whose credential is the request itself). */
export const actingAs = (user: LiveUser): Principal => ({ kind: 'user', id: user.userId, tenantId: user.accountId, role: user.role });

/**
 * What every user use case needs: the runner, the stream readers, the hasher and secrets, and the
 * recorder of refused attempts. Keeps each handler to its own steps.
 */
@Injectable()
export class UserCommandSupport {
  private dummyHash?: Promise<string>;

  constructor(
    readonly runner: CommandRunner,
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(ID_GENERATOR) readonly ids: IdGenerator,
    @Inject(PASSWORD_HASHER) readonly hasher: PasswordHasher,
    @Inject(SECRET_GENERATOR) readonly secrets: SecretGenerator,
    readonly security: SecurityAttemptRecorder,
  ) {}

  async loadUser(userId: string): Promise<UserState> {
    const events = await this.store.readStream(streamName('user', userId));
    return events.reduce((state, e) => userDecider.evolve(state, e as unknown as UserEvent), userDecider.initialState());
  }

  /** The user a signed-in principal is; a principal that is not a user of its tenant is forbidden. */
  async loadSelf(principal: Principal): Promise<LiveUser> {
    if (principal.kind !== 'user') throw new ForbiddenError('Only a signed-in user can do this');
    const state = await this.loadUser(principal.id);
    if (state.status === 'none' || state.accountId !== principal.tenantId) throw new DomainError('USER_NOT_FOUND', 'No such user');
    if (state.status === 'deleted') throw new DomainError('USER_DELETED', 'This user has been deleted');
    return state;
  }

  /** The claim stream id of an email: SHA-256 of its normalized form. */
  emailHash(email: string): string {
    return this.secrets.digest(normalizeEmail(email));
  }

  async loadClaim(emailHash: string): Promise<EmailClaimState> {
    const events = await this.store.readStream(streamName('emailclaim', emailHash));
    return events.reduce((s, e) => emailClaimDecider.evolve(s, e as unknown as EmailClaimEvent), emailClaimDecider.initialState());
  }

  /** The live user an email belongs to, or null. */
  async userByEmail(email: string): Promise<LiveUser | null> {
    const claim = await this.loadClaim(this.emailHash(email));
    if (claim.status !== 'claimed') return null;
    const user = await this.loadUser(claim.userId);
    return isLive(user) ? user : null;
  }

  runUser<C extends UserCommand>(userId: string, command: { type: C['type']; data: C['data'] }, principal: Principal, meta: CommandMeta): Promise<CommandResult<UserEvent>> {
    return this.runner.run(streamName('user', userId), userDecider, command as UserCommand, principal, meta);
  }

  /**
   * Runs a user command for a signed-in principal. A reach into another tenant's user is recorded in
   * the caller's security stream before USER_FORBIDDEN goes back.
   */
  async runAsPrincipal<C extends UserCommand>(
    userId: string,
    command: { type: C['type']; data: C['data'] },
    principal: Principal,
    meta: CommandMeta,
  ): Promise<CommandResult<UserEvent>> {
    try {
      return await this.runUser(userId, command, principal, meta);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'USER_FORBIDDEN') {
        await this.security.record(principal.tenantId, { action: 'access', reason: 'forbidden', userId }, meta, { kind: principal.kind, id: principal.id });
      }
      throw error;
    }
  }

  /** Checks a password against the user's current hash; the outcome is a fact for the decider. */
  async checkPassword(user: LiveUser, password: string): Promise<{ matches: boolean; hash: string | null }> {
    if (user.passwordHash === null || typeof password !== 'string') return { matches: false, hash: user.passwordHash };
    return { matches: await this.hasher.verify(user.passwordHash, password), hash: user.passwordHash };
  }

  /** Spends the time of a real check when there is no user, so that timing does not reveal which emails exist. */
  async burnPasswordCheck(password: string): Promise<void> {
    this.dummyHash ??= this.hasher.hash(this.secrets.token());
    await this.hasher.verify(await this.dummyHash, typeof password === 'string' ? password : '');
  }
}
