import type { ComputerDetailsView, ComputerListItem, ComputerListPage } from './computers.contracts';

/**
 * What `GET /api/computers` and `GET /api/computers/:id` add to the read model's views: what is
 * live rather than recorded (the latest screenshot is a blob, not an event), and the demo computer.
 */
export interface LiveComputerFields {
  /** When the agent last uploaded a screenshot; null before the first. */
  readonly screenshotAt: string | null;
  /** `GET` it with the bearer token; the query string changes with each screenshot, so it can be cached. */
  readonly screenshotUrl: string | null;
  /** The built-in demo computer: shown to every account, changed by nobody. */
  readonly demo: boolean;
}

export type ComputerRow = ComputerListItem & LiveComputerFields;
export type ComputerDetailsRow = ComputerDetailsView & LiveComputerFields;

export interface ComputerListResponse extends Omit<ComputerListPage, 'favourites' | 'items'> {
  readonly favourites: readonly ComputerRow[];
  readonly items: readonly ComputerRow[];
  /** The demo computer, on the first page when it matches the search and filters (DEMO_COMPUTER=on); null otherwise. */
  readonly demo: ComputerRow | null;
}
