import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '../../domain/shared/event';
import { COMPUTER_GROUPS } from '../../read-models/computer-groups/computer-groups.projection';
import type { ComputerGroupsDoc } from '../../read-models/computer-groups/computer-groups.view';
import { DEFAULT_CONSISTENCY_WAIT_MS, type Consistency } from '../account/account.queries';
import type { ComputerGroupsView } from '../contracts/computers.contracts';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { groupTree } from './computer-views';

export class ListComputerGroupsQuery {
  constructor(
    readonly principal: Principal,
    readonly consistency: Consistency = {},
  ) {}
}

/** The caller's account's group tree, depth-first with siblings by name: the sidebar. */
@QueryHandler(ListComputerGroupsQuery)
export class ListComputerGroupsHandler implements IQueryHandler<ListComputerGroupsQuery, ComputerGroupsView> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal, consistency }: ListComputerGroupsQuery): Promise<ComputerGroupsView> {
    if (consistency.minPosition) {
      await this.access.waitFor(COMPUTER_GROUPS, consistency.minPosition, consistency.waitMs ?? DEFAULT_CONSISTENCY_WAIT_MS);
    }
    const doc = await this.store
      .forTenant(principal.tenantId)
      .collection<ComputerGroupsDoc>(this.access.activeCollection(COMPUTER_GROUPS))
      .get(principal.tenantId);
    return { groups: groupTree(doc?.groups ?? []).ordered };
  }
}
