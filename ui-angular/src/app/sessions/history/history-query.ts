import { startOfDayInZone } from '../../date-time/zoned-time';
import { SESSION_HISTORY_CSV_URL, type HistoryParams } from '../sessions-api';

export const HISTORY_PAGE_SIZE = 50;

/** The filters as the user picks them; the period is two calendar days in the user's time zone. */
export interface HistoryFilters {
  readonly computerId: string;
  readonly technicianId: string;
  readonly source: string;
  /** YYYY-MM-DD, first day included. */
  readonly from: string;
  /** YYYY-MM-DD, last day included. */
  readonly to: string;
}

export const NO_HISTORY_FILTERS: HistoryFilters = { computerId: '', technicianId: '', source: '', from: '', to: '' };

/**
 * The query both `GET /api/sessions/history` and its CSV take. Days become instants in the user's zone
 * (`to` is exclusive, so the last day runs to the next midnight); blank filters are left out.
 */
export function historyParams(filters: HistoryFilters, timeZone: string): HistoryParams {
  const from = filters.from ? startOfDayInZone(filters.from, timeZone) : undefined;
  const to = filters.to ? startOfDayInZone(filters.to, timeZone, 1) : undefined;
  return {
    ...(filters.computerId ? { computerId: filters.computerId } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(filters.technicianId ? { technicianId: filters.technicianId } : {}),
    ...(filters.source ? { source: filters.source } : {}),
  };
}

export function historyCsvUrl(filters: HistoryFilters, timeZone: string): string {
  const query = new URLSearchParams({ ...historyParams(filters, timeZone) }).toString();
  return query ? `${SESSION_HISTORY_CSV_URL}?${query}` : SESSION_HISTORY_CSV_URL;
}
