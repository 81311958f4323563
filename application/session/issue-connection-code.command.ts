import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isDomainError } from '../../domain/shared/domain-error';
import type { OpenSession } from '../../domain/session/session.commands';
import { addMilliseconds } from '../../domain/user/user.time';
import type { SessionOpenedResult } from './open-computer-session.command';
import { SessionCommandMessage, SessionCommandSupport } from './session-command-support';

export interface ConnectionCodeResult extends SessionOpenedResult {
  readonly code: string;
  readonly expiresAt: string;
}

/** Draws that hit a live code before giving up: with a million codes, many in use would be needed to fail ten times. */
const MAX_DRAWS = 10;

/** Six random digits from the secret generator's token (48 bits reduced: the bias is below one in 10^8). */
export function codeFromToken(token: string): string {
  const bytes = Buffer.from(token, 'base64url');
  return String(bytes.readUIntBE(0, 6) % 1_000_000).padStart(6, '0');
}

/**
 * A 6-digit connection ID for an end-user to type into the agent: a waiting session, and a random
 * code claimed for it in its own stream (single use, short expiry). A code still live elsewhere is
 * drawn again.
 */
export class IssueConnectionCodeCommand extends SessionCommandMessage<Record<string, never>> {
  readonly type = 'IssueConnectionCode';
}

@CommandHandler(IssueConnectionCodeCommand)
export class IssueConnectionCodeHandler implements ICommandHandler<IssueConnectionCodeCommand, ConnectionCodeResult> {
  constructor(private readonly sessions: SessionCommandSupport) {}

  async execute({ principal, meta }: IssueConnectionCodeCommand): Promise<ConnectionCodeResult> {
    const sessionId = this.sessions.ids.newId();
    const expiresAt = addMilliseconds(this.sessions.clock.now(), this.sessions.timing.connectionCodeTtlMs);
    const opened: OpenSession['data'] = {
      sessionId,
      accountId: principal.tenantId,
      ownerUserId: principal.id,
      ownerName: await this.sessions.displayName(principal.id),
      source: 'connection-id',
      computerId: null,
      computerAccountId: null,
      computerName: null,
      ticket: null,
      endUserName: null,
      expiresAt,
      recording: await this.sessions.recordingOn(principal.tenantId),
      permalinkPath: null,
    };
    const result = await this.sessions.runSession(sessionId, { type: 'OpenSession', data: opened }, principal, meta);
    // The session first: a code always names a session that exists (one the code could not be claimed for just expires).
    const code = await this.claimCode(sessionId, principal, expiresAt, meta);
    return { ...result, sessionId, code, expiresAt };
  }

  private async claimCode(sessionId: string, principal: IssueConnectionCodeCommand['principal'], expiresAt: string, meta: IssueConnectionCodeCommand['meta']): Promise<string> {
    for (let draw = 1; ; draw++) {
      const code = codeFromToken(this.sessions.secrets.token());
      try {
        await this.sessions.runCode(code, { type: 'IssueConnectionCode', data: { code, sessionId, accountId: principal.tenantId, expiresAt } }, principal, meta);
        return code;
      } catch (error) {
        if (!isDomainError(error) || error.code !== 'CONNECTION_CODE_TAKEN' || draw >= MAX_DRAWS) throw error;
      }
    }
  }
}
