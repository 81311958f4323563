import { accountDecider } from '../../domain/account/account.decide';
import type { AccountCommand } from '../../domain/account/account.commands';
import { DomainError, isDomainError } from '../../domain/shared/domain-error';
import type { Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import { emailClaimDecider, type EmailClaimCommand } from '../../domain/user/email-claim';
import type { SignInMethod } from '../../domain/user/user.events';
import type { CommandMeta } from '../handle-command';
import type { Position } from '../ports/position';
import { isLive, type UserCommandSupport } from './user-command-support';

export interface NewUser {
  readonly email: string;
  readonly accountName: string;
  readonly method: SignInMethod;
  readonly emailVerified: boolean;
  readonly generatedPasswordHash?: string;
}

export interface Registered {
  readonly userId: string;
  readonly accountId: string;
  readonly position: Position;
}

const ownerOf = (userId: string, accountId: string): Principal => ({ kind: 'user', id: userId, tenantId: accountId, role: 'owner' });

/**
 * Registers a person with a new account they own, in three appends: the email claim first (created
 * with no_stream, so a second registration of the email fails there and nothing else is written),
 * then the account, then the user. A registration interrupted after its claim is finished by the next
 * one for the same email; a claim left by a deletion interrupted before its release is released.
 */
export async function registerOwner(support: UserCommandSupport, user: NewUser, meta: CommandMeta): Promise<Registered> {
  const emailHash = support.emailHash(user.email);
  const claimStream = streamName('emailclaim', emailHash);
  const runClaim = (command: Pick<EmailClaimCommand, 'type' | 'data'>, principal: Principal) =>
    support.runner.run(claimStream, emailClaimDecider, command as EmailClaimCommand, principal, meta);

  let ids: { userId: string; accountId: string } | undefined;
  const claim = await support.loadClaim(emailHash);
  if (claim.status === 'claimed') {
    const holder = await support.loadUser(claim.userId);
    if (holder.status === 'none') ids = { userId: claim.userId, accountId: claim.accountId };
    else if (isLive(holder)) await refuseTaken(support, emailHash, meta);
    else await runClaim({ type: 'ReleaseEmail', data: { emailHash, userId: claim.userId } }, { kind: 'system', id: 'registration', tenantId: claim.accountId });
  }
  if (!ids) {
    ids = { userId: support.ids.newId(), accountId: support.ids.newId() };
    try {
      await runClaim({ type: 'ClaimEmail', data: { emailHash, ...ids } }, ownerOf(ids.userId, ids.accountId));
    } catch (error) {
      if (isDomainError(error) && error.code === 'EMAIL_ALREADY_REGISTERED') await refuseTaken(support, emailHash, meta);
      throw error;
    }
  }
  const { userId, accountId } = ids;
  const owner = ownerOf(userId, accountId);
  try {
    await support.runner.run(
      streamName('account', accountId),
      accountDecider,
      { type: 'RegisterAccount', data: { accountId, name: user.accountName, kind: 'client-space', ownerUserId: userId } } as AccountCommand,
      owner,
      meta,
    );
  } catch (error) {
    // Finishing an interrupted registration: its account may already be there.
    if (!(isDomainError(error) && error.code === 'ACCOUNT_ALREADY_EXISTS')) throw error;
  }
  const result = await support.runUser(
    userId,
    {
      type: 'RegisterUser',
      data: {
        userId,
        accountId,
        email: user.email,
        role: 'owner',
        method: user.method,
        emailVerified: user.emailVerified,
        ...(user.generatedPasswordHash ? { generatedPasswordHash: user.generatedPasswordHash } : {}),
      },
    },
    owner,
    meta,
  );
  return { userId, accountId, position: result.position };
}

/** A duplicate registration is recorded (by the email's hash) before it is refused. */
async function refuseTaken(support: UserCommandSupport, emailHash: string, meta: CommandMeta): Promise<never> {
  await support.security.record(null, { action: 'register', reason: 'email_taken', emailHash }, meta);
  throw new DomainError('EMAIL_ALREADY_REGISTERED', 'This email is already registered');
}
