import { startOfDayInZone } from '../date-time/zoned-time';
import { fileNameOf } from '../shared/save-blob';

export const AUDIT_URL = '/api/audit';
export const AUDIT_CSV_URL = '/api/audit.csv';
export const AUDIT_PAGE_SIZE = 50;

/** The filters as the user types them; the period is two calendar days in the user's time zone. */
export interface AuditFilters {
  readonly actor: string;
  readonly type: string;
  readonly aggregate: string;
  /** YYYY-MM-DD, first day included. */
  readonly from: string;
  /** YYYY-MM-DD, last day included. */
  readonly to: string;
}

export const NO_AUDIT_FILTERS: AuditFilters = { actor: '', type: '', aggregate: '', from: '', to: '' };

/**
 * The query both `GET /api/audit` and `GET /api/audit.csv` take. Days become instants in the user's zone
 * (the server's `to` is exclusive, so the last day runs to the next midnight); types are comma-separated.
 */
export function auditParams(filters: AuditFilters, timeZone: string): Record<string, string> {
  const params: Record<string, string> = {};
  const actor = filters.actor.trim();
  const aggregate = filters.aggregate.trim();
  const types = filters.type
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (actor) params['actor'] = actor;
  if (types.length > 0) params['type'] = types.join(',');
  if (aggregate) params['aggregate'] = aggregate;
  const from = filters.from ? startOfDayInZone(filters.from, timeZone) : undefined;
  const to = filters.to ? startOfDayInZone(filters.to, timeZone, 1) : undefined;
  if (from) params['from'] = from;
  if (to) params['to'] = to;
  return params;
}

export function auditCsvUrl(filters: AuditFilters, timeZone: string): string {
  const query = new URLSearchParams(auditParams(filters, timeZone)).toString();
  return query ? `${AUDIT_CSV_URL}?${query}` : AUDIT_CSV_URL;
}

/** The file name the server proposes in Content-Disposition, else a plain one. */
export function csvFileName(contentDisposition: string | null): string {
  return fileNameOf(contentDisposition, 'audit.csv');
}
