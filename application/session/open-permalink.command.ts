import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommand, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/domain-error';
import type { Principal } from '../../domain/shared/event';
import { GUEST_PREFIX } from '../../domain/session/session.decide';
import type { OpenSession } from '../../domain/session/session.commands';
import type { ActivePermalink } from '../../domain/session/permalink.state';
import type { ActiveComputer } from '../../domain/computer/computer.state';
import type { CommandMeta } from '../handle-command';
import { ACCESS_TOKENS, type AccessTokens } from '../ports/access-tokens.port';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port';
import { SessionCommandSupport, sessionSystem } from './session-command-support';
import { SessionThrottle } from './session-throttle';
import { issueViewerToken } from './viewer-tokens';

export interface PermalinkOpened {
  readonly sessionId: string;
  /** For a guest; a signed-in user of the account views with their own access token. */
  readonly viewerToken: string | null;
}

/**
 * Someone opens a permalink: a signed-in user of its account who may see its computer gets a
 * session of their own; anyone else needs a public permalink and its password (slowed per address
 * and per permalink, every refusal audited) and gets a guest session and a viewer token for it.
 */
export class OpenPermalinkCommand implements ICommand {
  readonly type = 'OpenPermalink';
  constructor(
    readonly caller: Principal | null,
    readonly data: { accountId: string; path: string; password: string | null; ip: string | null },
    readonly meta: CommandMeta,
  ) {}
}

@CommandHandler(OpenPermalinkCommand)
export class OpenPermalinkHandler implements ICommandHandler<OpenPermalinkCommand, PermalinkOpened> {
  constructor(
    private readonly sessions: SessionCommandSupport,
    private readonly throttle: SessionThrottle,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
  ) {}

  async execute({ caller, data, meta }: OpenPermalinkCommand): Promise<PermalinkOpened> {
    const permalink = await this.sessions.loadPermalink(data.accountId, data.path);
    if (permalink.status !== 'active') throw new DomainError('PERMALINK_NOT_FOUND', 'No such permalink');
    if (caller?.kind === 'user' && caller.tenantId === permalink.accountId) {
      const computer = await this.sessions.sessionComputer(caller, permalink.computerId, meta);
      return { sessionId: await this.open(permalink, computer, caller, caller.id, meta), viewerToken: null };
    }
    await this.assertGuestMayOpen(permalink, data, meta);
    const computer = await this.sessions.computers.loadComputer(permalink.computerId);
    if (computer.status !== 'active') throw new DomainError('COMPUTER_NOT_FOUND', 'The permalink\'s computer is gone');
    const sessionId = await this.open(permalink, computer, sessionSystem(permalink.accountId, 'permalink'), permalink.createdBy, meta);
    return { sessionId, viewerToken: issueViewerToken(this.tokens, permalink.accountId, sessionId, `${GUEST_PREFIX}${this.sessions.ids.newId()}`) };
  }

  /** Public, and the right password, within the back-off. */
  private async assertGuestMayOpen(permalink: ActivePermalink, data: OpenPermalinkCommand['data'], meta: CommandMeta): Promise<void> {
    if (!permalink.public || permalink.passwordHash === null) {
      await this.sessions.refused(permalink.accountId, 'permalink', 'not_public', meta);
      throw new DomainError('PERMALINK_FORBIDDEN', 'Sign in to open this permalink');
    }
    const keys = [`permalink:path:${permalink.accountId}.${permalink.path}`, ...(data.ip ? [`permalink:ip:${data.ip}`] : [])];
    await this.throttle.assertAllowed(keys, permalink.accountId, 'permalink', meta);
    if (data.password === null || !(await this.hasher.verify(permalink.passwordHash, data.password))) {
      await this.throttle.failed(keys);
      await this.sessions.refused(permalink.accountId, 'permalink', 'wrong_password', meta);
      throw new DomainError('PERMALINK_PASSWORD_WRONG', 'Wrong permalink password');
    }
  }

  private async open(permalink: ActivePermalink, computer: ActiveComputer, principal: Principal, ownerUserId: string, meta: CommandMeta): Promise<string> {
    const sessionId = this.sessions.ids.newId();
    const opened: OpenSession['data'] = {
      sessionId,
      accountId: permalink.accountId,
      ownerUserId,
      ownerName: await this.sessions.displayName(ownerUserId),
      source: 'permalink',
      computerId: computer.computerId,
      computerAccountId: computer.accountId === permalink.accountId ? null : computer.accountId,
      computerName: computer.name,
      ticket: null,
      endUserName: null,
      expiresAt: null,
      recording: await this.sessions.recordingOn(permalink.accountId),
      permalinkPath: permalink.path,
    };
    await this.sessions.runSession(sessionId, { type: 'OpenSession', data: opened }, principal, meta);
    return sessionId;
  }
}
