import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountDecider } from '../../domain/account/account.decide';
import type { AccountCommand } from '../../domain/account/account.commands';
import type { Principal } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import { emailClaimDecider, type EmailClaimCommand } from '../../domain/user/email-claim';
import type { PasswordCheck } from '../../domain/user/user.commands';
import { userSubject } from '../../domain/user/user.personal-data';
import type { LiveUser } from '../../domain/user/user.state';
import { USER_LIST } from '../../read-models/user-list/user-list.projection';
import type { UserView } from '../../read-models/user-list/user-list.view';
import type { CommandMeta } from '../handle-command';
import { KEY_STORE, type KeyStore } from '../ports/key-store.port';
import type { Position } from '../ports/position';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { refusalIn } from './user.errors';
import { UserCommandSupport, isLive } from './user-command-support';

/** How long the deletion waits for the user list to include every user of the account. */
export const USER_LIST_WAIT_MS = 5000;

/**
 * DELETE /api/me/account with the current password. For an owner it deletes the whole account; for
 * anyone else, only their own user.
 *
 * What becomes of everything when an owner deletes the account:
 * - the account: AccountClosed with `reason: 'deleted'`. Computers react to that one event (the
 *   computers issue): their agent keys are revoked, so the agents are disconnected and cannot come
 *   back, and the shares and permalinks that expose them are removed;
 * - every user of the account, owner last: their open sessions are revoked (refresh tokens stop at once,
 *   access tokens within their 15 minutes), they are deleted, their email claim is released so the
 *   address may register again, and their subject key is shredded, which erases their email, password
 *   hash and profile from the event log itself;
 * - the audit trail stays: every event remains and the hash chain still verifies, with the erased
 *   fields reading as null.
 */
export class DeleteAccountCommand {
  constructor(
    readonly principal: Principal,
    readonly data: { readonly currentPassword: string },
    readonly meta: CommandMeta,
  ) {}
}

export interface DeleteAccountResult {
  /** The account was closed (the caller was its owner). */
  readonly accountClosed: boolean;
  readonly deletedUserIds: readonly string[];
  readonly position: Position;
}

/**
 * A wrong current password is refused (WRONG_CURRENT_PASSWORD) and recorded in the caller's stream;
 * nothing else changes. The steps are safe to run again: a deletion interrupted after the account
 * closed is finished by the owner repeating it.
 */
@CommandHandler(DeleteAccountCommand)
export class DeleteAccountHandler implements ICommandHandler<DeleteAccountCommand, DeleteAccountResult> {
  constructor(
    private readonly support: UserCommandSupport,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal, data, meta }: DeleteAccountCommand): Promise<DeleteAccountResult> {
    const me = await this.support.loadSelf(principal);
    const passwordCheck = await this.support.checkPassword(me, data.currentPassword);
    if (me.role !== 'owner') {
      const position = await this.deleteUser(me, 'self', principal, meta, passwordCheck);
      return { accountClosed: false, deletedUserIds: [me.userId], position };
    }
    if (!passwordCheck.matches) {
      // The decider records the refused attempt in the owner's stream; nothing is deleted.
      await this.deleteUser(me, 'account_deleted', principal, meta, passwordCheck);
    }
    await this.support.runner.run(
      streamName('account', me.accountId),
      accountDecider,
      { type: 'DeleteAccount', data: { accountId: me.accountId, passwordConfirmed: true } } as AccountCommand,
      principal,
      meta,
    );
    const deleted: string[] = [];
    for (const userId of await this.otherUsers(me)) {
      const user = await this.support.loadUser(userId);
      if (!isLive(user)) continue;
      await this.deleteUser(user, 'account_deleted', principal, meta);
      deleted.push(userId);
    }
    const position = await this.deleteUser(me, 'account_deleted', principal, meta, passwordCheck);
    return { accountClosed: true, deletedUserIds: [...deleted, me.userId], position };
  }

  /** Every other user of the account, from a user list that has caught up with everything written so far. */
  private async otherUsers(owner: LiveUser): Promise<string[]> {
    await this.access.waitFor(USER_LIST, await this.support.store.headPosition(), USER_LIST_WAIT_MS);
    const users = await this.readStore
      .forTenant(owner.accountId)
      .collection<UserView>(this.access.activeCollection(USER_LIST))
      .find({}, { projection: { id: 1 } });
    return users.map((u) => u.id).filter((id) => id !== owner.userId);
  }

  /** Deletes one user, then releases their email and shreds their key; throws when the decider refused. */
  private async deleteUser(
    user: LiveUser,
    reason: 'self' | 'account_deleted',
    principal: Principal,
    meta: CommandMeta,
    passwordCheck?: PasswordCheck,
  ): Promise<Position> {
    const result = await this.support.runAsPrincipal(
      user.userId,
      { type: 'DeleteUser', data: { userId: user.userId, reason, ...(passwordCheck ? { passwordCheck } : {}) } },
      principal,
      meta,
    );
    const refused = refusalIn(result.events);
    if (refused) throw refused;
    let position = result.position;
    // The claim is found by the email's hash: release it while the email can still be read.
    if (user.email !== null) {
      const emailHash = this.support.emailHash(user.email);
      const released = await this.support.runner.run(
        streamName('emailclaim', emailHash),
        emailClaimDecider,
        { type: 'ReleaseEmail', data: { emailHash, userId: user.userId } } as EmailClaimCommand,
        principal,
        meta,
      );
      if (released.events.length > 0) position = released.position;
    }
    await this.keys.delete(userSubject(user.userId));
    return position;
  }
}
