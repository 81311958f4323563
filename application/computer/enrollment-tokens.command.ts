import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { IssueEnrollmentToken, RevokeEnrollmentToken, SetAccountComputerLimit } from '../../domain/account/account-plan.commands';
import type { EnrollmentTokenKind } from '../../domain/account/account-plan.events';
import { isAccountAdmin } from '../../domain/computer/computer.access';
import type { Principal } from '../../domain/shared/event';
import type { CommandMeta, CommandResult } from '../handle-command';
import type { Position } from '../ports/position';
import { ComputerCommandMessage, ComputerCommandSupport } from './computer-command-support';
import { composeEnrollmentToken } from './computer-tokens';

export interface IssuedEnrollmentToken {
  /** Shown once (in the link or baked into the download); only its hash is kept. */
  readonly token: string;
  /** Its id for revocation and lists. */
  readonly tokenHash: string;
  readonly kind: EnrollmentTokenKind;
  /** 48 hours for an add-computer link; null for an auto-connect token (valid until revoked). */
  readonly expiresAt: string | null;
  readonly position: Position;
}

abstract class IssueTokenMessage {
  abstract readonly type: string;
  abstract readonly kind: EnrollmentTokenKind;
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
  ) {}
}

/** A technician's add-computer link: works once, for 48 hours; computers enrolled with it are the issuer's. */
export class IssueAddComputerLinkCommand extends IssueTokenMessage {
  readonly type = 'IssueAddComputerLink';
  readonly kind = 'add-computer-link';
}

/** The token baked into an auto-connect download: enrolls any number of computers until revoked. */
export class IssueEnrollmentTokenCommand extends IssueTokenMessage {
  readonly type = 'IssueEnrollmentToken';
  readonly kind = 'enrollment-token';
}

async function issue(computers: ComputerCommandSupport, { principal, meta, kind }: IssueTokenMessage): Promise<IssuedEnrollmentToken> {
  const token = composeEnrollmentToken(principal.tenantId, computers.secrets.token());
  const tokenHash = computers.digest(token);
  const result = await computers.runAccount<IssueEnrollmentToken>(
    principal.tenantId,
    { type: 'IssueEnrollmentToken', data: { accountId: principal.tenantId, tokenHash, kind } },
    principal,
    meta,
  );
  const issued = result.events.find((e) => e.type === 'AccountEnrollmentTokenIssued');
  const expiresAt = issued?.type === 'AccountEnrollmentTokenIssued' ? issued.data.expiresAt : null;
  return { token, tokenHash, kind, expiresAt, position: result.position };
}

@CommandHandler(IssueAddComputerLinkCommand)
export class IssueAddComputerLinkHandler implements ICommandHandler<IssueAddComputerLinkCommand, IssuedEnrollmentToken> {
  constructor(private readonly computers: ComputerCommandSupport) {}
  execute = (command: IssueAddComputerLinkCommand) => issue(this.computers, command);
}

@CommandHandler(IssueEnrollmentTokenCommand)
export class IssueEnrollmentTokenHandler implements ICommandHandler<IssueEnrollmentTokenCommand, IssuedEnrollmentToken> {
  constructor(private readonly computers: ComputerCommandSupport) {}
  execute = (command: IssueEnrollmentTokenCommand) => issue(this.computers, command);
}

/** Its issuer or an admin revokes a token; computers already enrolled with it stay. */
export class RevokeEnrollmentTokenCommand extends ComputerCommandMessage<{ tokenHash: string }> {
  readonly type = 'RevokeEnrollmentToken';
}

@CommandHandler(RevokeEnrollmentTokenCommand)
export class RevokeEnrollmentTokenHandler implements ICommandHandler<RevokeEnrollmentTokenCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: RevokeEnrollmentTokenCommand): Promise<CommandResult> {
    return this.computers.runAccount<RevokeEnrollmentToken>(
      principal.tenantId,
      { type: 'RevokeEnrollmentToken', data: { accountId: principal.tenantId, tokenHash: data.tokenHash } },
      principal,
      meta,
    );
  }
}

/** Operators set how many computers an account's plan includes. */
export class SetAccountComputerLimitCommand extends ComputerCommandMessage<SetAccountComputerLimit['data']> {
  readonly type = 'SetAccountComputerLimit';
}

@CommandHandler(SetAccountComputerLimitCommand)
export class SetAccountComputerLimitHandler implements ICommandHandler<SetAccountComputerLimitCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: SetAccountComputerLimitCommand): Promise<CommandResult> {
    return this.computers.runAccount<SetAccountComputerLimit>(data.accountId, { type: 'SetAccountComputerLimit', data }, principal, meta);
  }
}

export interface EnrollmentTokenView {
  readonly tokenHash: string;
  readonly kind: EnrollmentTokenKind;
  readonly issuedBy: string;
  readonly issuedAt: string;
  readonly expiresAt: string | null;
  readonly uses: number;
  readonly revoked: boolean;
}

/** The caller's tokens (every token of the account for an admin), newest first, read from the account's stream. */
export class ListEnrollmentTokensQuery {
  constructor(readonly principal: Principal) {}
}

@QueryHandler(ListEnrollmentTokensQuery)
export class ListEnrollmentTokensHandler implements IQueryHandler<ListEnrollmentTokensQuery, EnrollmentTokenView[]> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  async execute({ principal }: ListEnrollmentTokensQuery): Promise<EnrollmentTokenView[]> {
    const account = await this.computers.loadAccount(principal.tenantId);
    if (account.status === 'none') return [];
    const admin = isAccountAdmin(principal, account.accountId);
    return Object.entries(account.plan.tokens)
      .filter(([, t]) => admin || t.issuedBy === principal.id)
      .map(([tokenHash, t]) => ({ tokenHash, kind: t.kind, issuedBy: t.issuedBy, issuedAt: t.issuedAt, expiresAt: t.expiresAt, uses: t.uses, revoked: t.revoked }))
      .sort((a, b) => (a.issuedAt < b.issuedAt ? 1 : a.issuedAt > b.issuedAt ? -1 : 0));
  }
}
