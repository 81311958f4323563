import { Inject } from '@nestjs/common';
import { type IQuery, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '../../domain/shared/event';
import { COMPUTER_LIST } from '../../read-models/computer-list/computer-list.projection';
import type { ComputerDoc } from '../../read-models/computer-list/computer-list.view';
import { PERMALINKS } from '../../read-models/permalinks/permalinks.projection';
import type { PermalinkView } from '../../read-models/permalinks/permalinks.view';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';

export interface PermalinkItem {
  readonly path: string;
  readonly computerId: string;
  readonly computerName: string | null;
  readonly public: boolean;
  readonly hasPassword: boolean;
  readonly createdAt: string;
}

/** The permalinks of the caller's account, by path. */
export class ListPermalinksQuery implements IQuery {
  constructor(readonly principal: Principal) {}
}

@QueryHandler(ListPermalinksQuery)
export class ListPermalinksHandler implements IQueryHandler<ListPermalinksQuery, PermalinkItem[]> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  async execute({ principal }: ListPermalinksQuery): Promise<PermalinkItem[]> {
    const tenant = this.store.forTenant(principal.tenantId);
    const permalinks = await tenant.collection<PermalinkView>(this.access.activeCollection(PERMALINKS)).find({}, { sort: { path: 1 } });
    const computers = tenant.collection<ComputerDoc>(this.access.activeCollection(COMPUTER_LIST));
    return Promise.all(
      permalinks.map(async (p) => ({
        path: p.path,
        computerId: p.computerId,
        computerName: (await computers.get(p.computerId))?.name ?? null,
        public: p.public,
        hasPassword: p.hasPassword,
        createdAt: p.createdAt,
      })),
    );
  }
}
