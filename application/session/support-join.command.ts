import { CommandHandler, type ICommand, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, isDomainError } from '../../domain/shared/domain-error';
import type { Session } from '../../domain/session/session.state';
import type { SecurityAction } from '../../domain/user/security-attempt';
import type { CommandMeta } from '../handle-command';
import { composeParticipantKey } from './participant-keys';
import { SessionEndings } from './session-endings';
import { SessionCommandSupport, sessionSystem } from './session-command-support';
import { SessionThrottle } from './session-throttle';

/** The end-user's agent: by support link token or 6-digit code, with the name the end-user typed and what the agent knows of its machine. */
export interface SupportJoinData {
  readonly link: string | null;
  readonly code: string | null;
  readonly name: string;
  readonly facts: { readonly hostname: string; readonly platform: string } | null;
  readonly ip: string | null;
}

export interface SupportJoined {
  readonly sessionId: string;
  readonly participantId: string;
  /** Given once; only its SHA-256 is stored. */
  readonly participantKey: string;
}

/** Codes of refusals that a wrong guess earns (the others are about a real session). */
const GUESSED_WRONG = new Set(['CONNECTION_CODE_UNKNOWN', 'CONNECTION_CODE_USED', 'CONNECTION_CODE_EXPIRED', 'SUPPORT_LINK_NOT_FOUND']);

/**
 * An end-user's agent arrives: the code is redeemed (single use), or the link's session looked up
 * from the token; then the end-user arrives in the session with a fresh participant key. Guessing is
 * slowed per address, and every refusal is audited. A link or code session nobody came to before its
 * expiry ends (reason expired) and the arrival is refused.
 */
export class SupportJoinCommand implements ICommand {
  readonly type = 'SupportJoin';
  constructor(
    readonly data: SupportJoinData,
    readonly meta: CommandMeta,
  ) {}
}

@CommandHandler(SupportJoinCommand)
export class SupportJoinHandler implements ICommandHandler<SupportJoinCommand, SupportJoined> {
  constructor(
    private readonly sessions: SessionCommandSupport,
    private readonly throttle: SessionThrottle,
    private readonly endings: SessionEndings,
  ) {}

  async execute({ data, meta }: SupportJoinCommand): Promise<SupportJoined> {
    const action: SecurityAction = data.code !== null ? 'connection-code' : 'support-link';
    const keys = data.ip ? [`${data.code !== null ? 'session-code' : 'support-link'}:ip:${data.ip}`] : [];
    await this.throttle.assertAllowed(keys, null, action, meta);
    try {
      return await this.join(data, meta);
    } catch (error) {
      if (isDomainError(error) && GUESSED_WRONG.has(error.code)) {
        await this.throttle.failed(keys);
        await this.sessions.refused(null, action, error.code.toLowerCase(), meta);
      }
      throw error;
    }
  }

  private async join(data: SupportJoinData, meta: CommandMeta): Promise<SupportJoined> {
    const participantId = this.sessions.ids.newId();
    const session = data.code !== null ? await this.redeem(data.code, participantId, meta) : await this.linkSession(data.link ?? '');
    const participantKey = composeParticipantKey(session.sessionId, participantId, this.sessions.secrets.token());
    const arrive = {
      type: 'ArriveEndUser' as const,
      data: {
        participantId,
        name: data.name,
        ip: data.ip,
        keyHash: this.sessions.secrets.digest(participantKey),
        hostname: data.facts?.hostname ?? null,
        platform: data.facts?.platform ?? null,
      },
    };
    try {
      await this.sessions.runSession(session.sessionId, arrive, sessionSystem(session.accountId, 'support-join'), meta);
    } catch (error) {
      if (isDomainError(error) && error.code === 'SESSION_LINK_EXPIRED') await this.endings.end(session.sessionId, 'expired', null, meta);
      throw error;
    }
    return { sessionId: session.sessionId, participantId, participantKey };
  }

  /** Uses the code up (whatever happens next) and returns its session. */
  private async redeem(code: string, participantId: string, meta: CommandMeta): Promise<Session> {
    const claim = await this.sessions.loadCode(code);
    if (claim.status === 'free') throw new DomainError('CONNECTION_CODE_UNKNOWN', 'No such connection ID');
    await this.sessions.runCode(code, { type: 'RedeemConnectionCode', data: { code, participantId } }, sessionSystem(claim.accountId, 'support-join'), meta);
    return this.existing(claim.sessionId);
  }

  private async linkSession(token: string): Promise<Session> {
    const session = await this.sessions.loadSession(this.sessions.linkSessionId(token));
    if (session.status === 'none' || session.source !== 'link') throw new DomainError('SUPPORT_LINK_NOT_FOUND', 'No such support link');
    return session;
  }

  private async existing(sessionId: string): Promise<Session> {
    const session = await this.sessions.loadSession(sessionId);
    if (session.status === 'none') throw new DomainError('SESSION_NOT_FOUND', 'No such session');
    return session;
  }
}
