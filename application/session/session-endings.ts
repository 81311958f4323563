import { Inject, Injectable } from '@nestjs/common';
import type { SessionToAgentMessage } from '../contracts/session.protocol';
import type { Actor, Principal } from '../../domain/shared/event';
import type { SessionEndReason } from '../../domain/session/session.events';
import type { Session } from '../../domain/session/session.state';
import type { CommandMeta, CommandResult } from '../handle-command';
import { agentEndpoint, SESSION_RELAY, type SessionRelay } from '../ports/session-relay.port';
import { SessionCommandSupport, sessionSystem } from './session-command-support';

/**
 * Ends a session once and tells everyone connected to it, on every node: the viewers get
 * `{"type":"ended","reason"}` (their gateway closes them with 4410), the computer's agent or each
 * end-user's agent gets `session-end`.
 */
@Injectable()
export class SessionEndings {
  constructor(
    private readonly sessions: SessionCommandSupport,
    @Inject(SESSION_RELAY) private readonly relay: SessionRelay,
  ) {}

  /**
   * Ends it as `principal` (a user ending their own or, as admin, anyone's), or as the server for
   * `by`. False when it had already ended (nothing recorded, nobody told again) or does not exist.
   */
  async end(sessionId: string, reason: SessionEndReason, by: Actor | null, meta: CommandMeta, principal?: Principal): Promise<boolean> {
    const session = await this.sessions.loadSession(sessionId);
    if (session.status === 'none') return false;
    const as = principal ?? sessionSystem(session.accountId);
    const result: CommandResult = await this.sessions.runSession(sessionId, { type: 'EndSession', data: { reason, by } }, as, meta);
    if (result.events.length === 0) return false;
    this.tell(session, reason);
    return true;
  }

  private tell(session: Session, reason: SessionEndReason): void {
    this.relay.publishToViewers(session.sessionId, { text: JSON.stringify({ type: 'ended', reason }) });
    const message: SessionToAgentMessage = { type: 'session-end', sessionId: session.sessionId, reason };
    const endpoints = session.computerId !== null ? [agentEndpoint(session.sessionId, null)] : session.endUsers.map((u) => agentEndpoint(session.sessionId, u.participantId));
    for (const endpoint of endpoints) this.relay.publishToAgent(endpoint, JSON.stringify(message));
  }
}
