import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { maySee } from '../../domain/computer/computer.access';
import { DomainError } from '../../domain/shared/domain-error';
import type { Principal } from '../../domain/shared/event';
import { COMPUTER_GROUPS } from '../../read-models/computer-groups/computer-groups.projection';
import type { ComputerGroupsDoc } from '../../read-models/computer-groups/computer-groups.view';
import { COMPUTER_LIST } from '../../read-models/computer-list/computer-list.projection';
import type { ComputerDoc } from '../../read-models/computer-list/computer-list.view';
import { DEFAULT_CONSISTENCY_WAIT_MS, type Consistency } from '../account/account.queries';
import type { ComputerDetailsView } from '../contracts/computers.contracts';
import { CLOCK, type Clock } from '../ports/clock.port';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { groupTree, toDetails } from './computer-views';

export class GetComputerQuery {
  constructor(
    readonly principal: Principal,
    readonly computerId: string,
    readonly consistency: Consistency = {},
  ) {}
}

/** One computer the caller may see; any other (another tenant's, an owner-only one of someone else) is not found. */
@QueryHandler(GetComputerQuery)
export class GetComputerHandler implements IQueryHandler<GetComputerQuery, ComputerDetailsView> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ principal, computerId, consistency }: GetComputerQuery): Promise<ComputerDetailsView> {
    if (consistency.minPosition) {
      await this.access.waitFor(COMPUTER_LIST, consistency.minPosition, consistency.waitMs ?? DEFAULT_CONSISTENCY_WAIT_MS);
    }
    const tenant = this.store.forTenant(principal.tenantId);
    const doc = typeof computerId === 'string' ? await tenant.collection<ComputerDoc>(this.access.activeCollection(COMPUTER_LIST)).get(computerId) : null;
    if (!doc || !maySee(principal, doc)) throw new DomainError('COMPUTER_NOT_FOUND', 'No such computer');
    const groups = await tenant.collection<ComputerGroupsDoc>(this.access.activeCollection(COMPUTER_GROUPS)).get(principal.tenantId);
    return toDetails(doc, principal, groupTree(groups?.groups ?? []), this.clock.now());
  }
}
