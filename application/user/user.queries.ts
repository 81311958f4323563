import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '../../domain/shared/event';
import { USER_LIST } from '../../read-models/user-list/user-list.projection';
import type { UserView } from '../../read-models/user-list/user-list.view';
import { DEFAULT_CONSISTENCY_WAIT_MS, type Consistency } from '../account/account.queries';
import { ForbiddenError } from '../errors';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadCollection, type ReadStore } from '../ports/read-store.port';

async function usersOf(store: ReadStore, access: ReadModelAccess, principal: Principal, consistency: Consistency): Promise<ReadCollection<UserView>> {
  if (consistency.minPosition) await access.waitFor(USER_LIST, consistency.minPosition, consistency.waitMs ?? DEFAULT_CONSISTENCY_WAIT_MS);
  return store.forTenant(principal.tenantId).collection<UserView>(access.activeCollection(USER_LIST));
}

/** The caller as a user: email, role, status, forced password change, profile and onboarding. */
export class GetMeQuery {
  constructor(readonly principal: Principal, readonly consistency: Consistency = {}) {}
}

/** Null when the caller is not a user of their tenant (an operator, or a user deleted since the token was issued). */
@QueryHandler(GetMeQuery)
export class GetMeHandler implements IQueryHandler<GetMeQuery, UserView | null> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal, consistency }: GetMeQuery): Promise<UserView | null> {
    if (principal.kind !== 'user') return null;
    return (await usersOf(this.store, this.access, principal, consistency)).get(principal.id);
  }
}

export const LIST_USERS_MAX = 500;

/** The users of the caller's own account, oldest first. */
export class ListUsersQuery {
  constructor(
    readonly principal: Principal,
    readonly options: { readonly limit?: number; readonly skip?: number } = {},
    readonly consistency: Consistency = {},
  ) {}
}

/** Owners, admins and operators see the users of their tenant; technicians are refused; no other tenant is ever visible. */
@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery, UserView[]> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal, options, consistency }: ListUsersQuery): Promise<UserView[]> {
    if (principal.role !== 'owner' && principal.role !== 'admin' && principal.role !== 'operator') {
      throw new ForbiddenError('Only an owner or admin lists the users of the account');
    }
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), LIST_USERS_MAX);
    const skip = Math.max(Math.trunc(options.skip ?? 0), 0);
    return (await usersOf(this.store, this.access, principal, consistency)).find({}, { sort: { createdAt: 1, id: 1 }, limit, skip });
  }
}
