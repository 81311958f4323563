import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Consistency } from '../../../application/account/account.queries';
import { groupTree, toDetails, toListItem } from '../../../application/computer/computer-views';
import { GetComputerQuery } from '../../../application/computer/get-computer.query';
import { ListComputersQuery } from '../../../application/computer/list-computers.query';
import type { ComputerDetailsRow, ComputerListResponse, ComputerRow } from '../../../application/contracts/computers-live.contracts';
import type { ComputerDetailsView, ComputerListItem, ComputerListPage, ListComputersOptions } from '../../../application/contracts/computers.contracts';
import { screenshotKey } from '../../../application/ports/blob-store.port';
import { CLOCK, type Clock } from '../../../application/ports/clock.port';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../../../application/ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../../../application/ports/read-store.port';
import type { Principal } from '../../../domain/shared/event';
import { COMPUTER_LIST, foldText } from '../../../read-models/computer-list/computer-list.projection';
import type { ComputerDoc } from '../../../read-models/computer-list/computer-list.view';
import { DemoComputerService } from '../../demo/demo-computer.service';
import { isLocalAddress } from '../../geoip/ip-address';
import type { AgentLinkInfrastructure } from '../../ws/agent-link.infrastructure';
import { AGENT_LINK } from '../../ws/agent-link.tokens';
import { HttpProblem } from '../problem-details';

/**
 * The read model's computer views plus what is live: the screenshot's time and URL, "local network"
 * for a private address, and the demo computer, which lives in its own tenant and is shown to all.
 */
@Injectable()
export class ComputerOverlay {
  constructor(
    private readonly queries: QueryBus,
    private readonly demo: DemoComputerService,
    @Inject(AGENT_LINK) private readonly link: AgentLinkInfrastructure,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  isDemo(computerId: string): boolean {
    return this.demo.isDemo(computerId);
  }

  async list(principal: Principal, options: ListComputersOptions, consistency: Consistency): Promise<ComputerListResponse> {
    const page = await this.queries.execute<ListComputersQuery, ComputerListPage>(new ListComputersQuery(principal, options, consistency));
    const tenantId = principal.tenantId;
    const [favourites, items, demo] = await Promise.all([
      Promise.all(page.favourites.map((item) => this.live(item, tenantId))),
      Promise.all(page.items.map((item) => this.live(item, tenantId))),
      options.cursor ? null : this.demoRow(principal, options),
    ]);
    return { ...page, favourites, items, demo };
  }

  async get(principal: Principal, computerId: string, consistency: Consistency): Promise<ComputerDetailsRow> {
    const demo = this.demo.identity;
    if (demo && demo.computerId === computerId && principal.tenantId !== demo.accountId) {
      const doc = await this.demoDoc();
      if (!doc) throw new HttpProblem('COMPUTER_NOT_FOUND', 'No such computer', 404);
      return this.live(toDetails(doc, principal, groupTree([]), this.clock.now()), doc.tenantId);
    }
    const view = await this.queries.execute<GetComputerQuery, ComputerDetailsView>(new GetComputerQuery(principal, computerId, consistency));
    return this.live(view, principal.tenantId);
  }

  /** The tenant whose blobs hold the computer's screenshot, when the principal may see the computer. */
  async tenantOfVisible(principal: Principal, computerId: string): Promise<string> {
    const demo = this.demo.identity;
    if (demo && demo.computerId === computerId) return demo.accountId;
    await this.queries.execute<GetComputerQuery, ComputerDetailsView>(new GetComputerQuery(principal, computerId));
    return principal.tenantId;
  }

  private async demoRow(principal: Principal, options: ListComputersOptions): Promise<ComputerRow | null> {
    const demo = this.demo.identity;
    if (!demo || principal.tenantId === demo.accountId || options.groupId !== undefined) return null;
    const doc = await this.demoDoc();
    if (!doc) return null;
    const item = toListItem(doc, principal, groupTree([]), this.clock.now(), { key: 'demo', label: 'demo' });
    if (options.status !== undefined && item.status !== options.status) return null;
    const term = foldText((options.search ?? '').trim());
    if (term && ![doc.nameLower, doc.ip ?? '', doc.cityLower].some((field) => field.includes(term))) return null;
    return this.live(item, doc.tenantId);
  }

  private async demoDoc(): Promise<ComputerDoc | null> {
    const demo = this.demo.identity;
    if (!demo) return null;
    return this.store.forTenant(demo.accountId).collection<ComputerDoc>(this.access.activeCollection(COMPUTER_LIST)).get(demo.computerId);
  }

  private async live<T extends ComputerListItem>(item: T, tenantId: string): Promise<T & { screenshotAt: string | null; screenshotUrl: string | null; demo: boolean }> {
    const shot = await this.link.blobs.stat(tenantId, screenshotKey(item.id));
    const location = item.ip && isLocalAddress(item.ip) ? `${item.ip}, local network` : item.location;
    return {
      ...item,
      location,
      screenshotAt: shot?.updatedAt ?? null,
      screenshotUrl: shot ? `/api/computers/${encodeURIComponent(item.id)}/screenshot?v=${Date.parse(shot.updatedAt)}` : null,
      demo: this.demo.isDemo(item.id),
    };
  }
}
