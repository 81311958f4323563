import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '../../domain/shared/event';
import type { AccountView } from '../../read-models/account-list/account-list.view';
import { ACCOUNT_LIST } from '../../read-models/account-list/account-list.projection';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import type { Position } from '../ports/position';

/** Read-your-writes: a query may ask for a read model that includes at least this position. */
export interface Consistency {
  readonly minPosition?: Position;
  readonly waitMs?: number;
}

export const DEFAULT_CONSISTENCY_WAIT_MS = 2000;

export class GetAccountQuery {
  constructor(readonly principal: Principal, readonly accountId: string, readonly consistency: Consistency = {}) {}
}

/** An account is visible to the people of its own tenant only. */
@QueryHandler(GetAccountQuery)
export class GetAccountHandler implements IQueryHandler<GetAccountQuery, AccountView | null> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal, accountId, consistency }: GetAccountQuery): Promise<AccountView | null> {
    if (consistency.minPosition) {
      await this.access.waitFor(ACCOUNT_LIST, consistency.minPosition, consistency.waitMs ?? DEFAULT_CONSISTENCY_WAIT_MS);
    }
    const collection = this.store.forTenant(principal.tenantId).collection<AccountView>(this.access.activeCollection(ACCOUNT_LIST));
    return collection.get(accountId);
  }
}
