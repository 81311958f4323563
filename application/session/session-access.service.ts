import { Inject, Injectable } from '@nestjs/common';
import { isDomainError } from '../../domain/shared/domain-error';
import type { Actor, Principal } from '../../domain/shared/event';
import type { SessionCommand } from '../../domain/session/session.commands';
import { GUEST_PREFIX } from '../../domain/session/session.decide';
import type { SessionEndReason } from '../../domain/session/session.events';
import type { Session } from '../../domain/session/session.state';
import { USER_ROLES, type UserRole } from '../../domain/user/user.events';
import type { CommandMeta } from '../handle-command';
import { ACCESS_TOKENS, type AccessTokens, type VerifiedAccessToken } from '../ports/access-tokens.port';
import { parseParticipantKey } from './participant-keys';
import type { ParticipantGrant, SessionAccess, SessionFacts, SessionOrigin, SessionRefusal, ViewerGrant } from './session-access.port';
import { SessionCommandSupport, sessionSystem } from './session-command-support';
import { SessionEndings } from './session-endings';
import { GUEST_VIEWER_ROLE } from './viewer-tokens';

/** Whether a signed-in user's sign-in session is still open (the `auth-sessions` read model); bound by the composition root. */
export const SIGN_IN_CHECK = Symbol('SignInCheck');
export interface SignInCheck {
  check(tenantId: string, userId: string, signInSessionId: string): Promise<'open' | 'revoked' | 'unknown'>;
}

const refusal = (refused: SessionRefusal['refused'], message: string): SessionRefusal => ({ refused, message });

/** What the realtime side needs to know of a session. */
function factsOf(session: Session): SessionFacts {
  return {
    sessionId: session.sessionId,
    tenantId: session.accountId,
    source: session.source,
    computerId: session.computerId,
    computerName: session.computerName,
    sharer: session.sharer,
    recording: session.recording,
    ended: session.status === 'ended',
  };
}

/**
 * SessionAccess for the gateways: every check is a decider's, every change an event of the session,
 * every refusal recorded for the audit log (SecurityAttemptRecorded, action join-session).
 */
@Injectable()
export class SessionAccessService implements SessionAccess {
  constructor(
    private readonly sessions: SessionCommandSupport,
    private readonly endings: SessionEndings,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
    @Inject(SIGN_IN_CHECK) private readonly signIns: SignInCheck,
  ) {}

  async joinAsViewer(token: string, sessionId: string, origin: SessionOrigin): Promise<ViewerGrant | SessionRefusal> {
    const meta = this.meta(origin);
    const viewer = await this.viewer(token, sessionId);
    if ('refused' in viewer) {
      await this.sessions.refused(null, 'join-session', viewer.refused.toLowerCase(), meta, undefined, sessionId);
      return viewer;
    }
    const { principal } = viewer;
    const session = await this.sessions.loadSession(sessionId);
    if (session.status === 'none' || session.accountId !== principal.tenantId) {
      await this.sessions.refused(principal.tenantId, 'join-session', 'not_found', meta, principal, sessionId);
      return refusal('NOT_FOUND', 'No such session');
    }
    const displayName = principal.kind === 'user' ? await this.sessions.displayName(principal.id) : 'Guest';
    try {
      await this.sessions.runSession(sessionId, { type: 'JoinSession', data: { userId: principal.id, displayName } }, principal, meta);
    } catch (error) {
      return this.joinRefused(error, session, principal, meta);
    }
    return { ...factsOf(session), ended: false, kind: principal.kind === 'user' ? 'technician' : 'guest', userId: principal.id, displayName };
  }

  async leaveAsViewer(grant: ViewerGrant, origin: SessionOrigin): Promise<void> {
    await this.run(grant, { type: 'LeaveSession', data: { userId: grant.userId } }, sessionSystem(grant.tenantId), origin);
  }

  async authenticateParticipant(participantKey: string, origin: SessionOrigin): Promise<ParticipantGrant | SessionRefusal> {
    const meta = this.meta(origin);
    const named = parseParticipantKey(participantKey);
    const session = named ? await this.sessions.loadSession(named.sessionId) : null;
    const endUser = session && session.status !== 'none' ? session.endUsers.find((u) => u.participantId === named?.participantId) : undefined;
    if (!session || session.status === 'none' || !endUser || endUser.keyHash !== this.sessions.secrets.digest(participantKey)) {
      await this.sessions.refused(null, 'join-session', 'invalid_participant_key', meta);
      return refusal('UNAUTHORIZED', 'The participant key is not valid');
    }
    if (session.status === 'ended') return refusal('ENDED', 'The session has ended');
    return { ...factsOf(session), participantId: endUser.participantId };
  }

  async participantLeft(grant: ParticipantGrant, origin: SessionOrigin): Promise<void> {
    await this.run(grant, { type: 'LeaveEndUser', data: { participantId: grant.participantId } }, sessionSystem(grant.tenantId, 'support-join'), origin);
  }

  async chooseSharer(grant: ViewerGrant, participantId: string, origin: SessionOrigin): Promise<SessionFacts | SessionRefusal> {
    const principal = this.principalOf(grant);
    try {
      await this.run(grant, { type: 'ChooseSharer', data: { participantId } }, principal, origin);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return refusal(error.code === 'SESSION_PARTICIPANT_UNKNOWN' ? 'NOT_FOUND' : error.code === 'SESSION_ENDED' ? 'ENDED' : 'FORBIDDEN', error.message);
    }
    return (await this.describe(grant.sessionId)) ?? refusal('NOT_FOUND', 'No such session');
  }

  async describe(sessionId: string): Promise<SessionFacts | null> {
    const session = await this.sessions.loadSession(sessionId);
    return session.status === 'none' ? null : factsOf(session);
  }

  end(sessionId: string, reason: SessionEndReason, by: Actor | null, origin: SessionOrigin): Promise<boolean> {
    return this.endings.end(sessionId, reason, by, this.meta(origin));
  }

  async promptOpened(grant: ViewerGrant, promptId: string, origin: SessionOrigin): Promise<void> {
    await this.run(grant, { type: 'OpenPrompt', data: { promptId } }, this.principalOf(grant), origin);
  }

  async commandLine(grant: ViewerGrant, promptId: string, line: string, origin: SessionOrigin): Promise<void> {
    await this.run(grant, { type: 'RecordCommandLine', data: { promptId, line } }, this.principalOf(grant), origin);
  }

  async promptClosed(facts: SessionFacts, promptId: string, exitCode: number | null): Promise<void> {
    await this.run(facts, { type: 'ClosePrompt', data: { promptId, exitCode } }, sessionSystem(facts.tenantId), { ip: '' });
  }

  async protocolViolation(sessionId: string, by: Actor, code: string, origin: SessionOrigin): Promise<void> {
    const session = await this.sessions.loadSession(sessionId);
    if (session.status === 'none') return;
    const principal: Principal = { kind: by.kind, id: by.id, tenantId: session.accountId };
    await this.sessions.refused(session.accountId, 'session-protocol', code.toLowerCase(), this.meta(origin), principal, sessionId);
  }

  /** The viewer's principal from the token: a signed-in user whose sign-in is still open, or a guest of this very session. */
  private async viewer(token: string, sessionId: string): Promise<{ principal: Principal } | SessionRefusal> {
    let claims: VerifiedAccessToken;
    try {
      claims = this.tokens.verify(token);
    } catch {
      return refusal('UNAUTHORIZED', 'The token is not a valid access or viewer token');
    }
    if (claims.role === GUEST_VIEWER_ROLE) {
      if (claims.sid !== sessionId || !claims.sub.startsWith(GUEST_PREFIX)) return refusal('FORBIDDEN', 'This viewer token opens another session');
      return { principal: { kind: 'customer', id: claims.sub, tenantId: claims.tid } };
    }
    if (!USER_ROLES.includes(claims.role as UserRole) || claims.pwc === true) return refusal('UNAUTHORIZED', 'This token does not open sessions');
    if ((await this.signIns.check(claims.tid, claims.sub, claims.sid)) !== 'open') return refusal('UNAUTHORIZED', 'This sign-in has ended: sign in again');
    return { principal: { kind: 'user', id: claims.sub, tenantId: claims.tid, role: claims.role as UserRole } };
  }

  private async joinRefused(error: unknown, session: Session, principal: Principal, meta: CommandMeta): Promise<SessionRefusal> {
    if (!isDomainError(error)) throw error;
    switch (error.code) {
      case 'SESSION_ENDED':
        return refusal('ENDED', error.message);
      case 'SESSION_LINK_EXPIRED':
        await this.endings.end(session.sessionId, 'expired', null, meta);
        return refusal('ENDED', error.message);
      case 'SESSION_FORBIDDEN':
        await this.sessions.refused(principal.tenantId, 'join-session', 'forbidden', meta, principal, session.sessionId);
        return refusal('FORBIDDEN', error.message);
      default:
        throw error;
    }
  }

  private principalOf(grant: ViewerGrant): Principal {
    return grant.kind === 'guest' ? { kind: 'customer', id: grant.userId, tenantId: grant.tenantId } : { kind: 'user', id: grant.userId, tenantId: grant.tenantId };
  }

  private async run(facts: SessionFacts, command: Omit<SessionCommand, 'context'>, principal: Principal, origin: SessionOrigin): Promise<void> {
    await this.sessions.runSession(facts.sessionId, command, principal, this.meta(origin));
  }

  /** Realtime requests carry no correlation id of their own: each gets a new one, with the socket's address. */
  private meta(origin: SessionOrigin): CommandMeta {
    return { correlationId: this.sessions.ids.newId(), source: { channel: 'ws', ...(origin.ip ? { ip: origin.ip } : {}) } };
  }
}
