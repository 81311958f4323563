import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { AuditPage } from '../../../application/audit/list-audit-entries.query';
import type { AuditEntryView } from '../../../read-models/audit-log/audit-log.view';

export const AUDIT_CSV_HEADER = ['at', 'actor kind', 'actor id', 'type', 'aggregate', 'ip', 'summary'] as const;

/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and tab or carriage return,
 * which some strip first) as a formula: such a cell gets a leading quote and stays text.
 */
export function csvSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function auditCsvRow(entry: AuditEntryView): string[] {
  return [entry.at, entry.actor.kind, entry.actor.id, entry.type, entry.aggregate, entry.ip ?? '', entry.summary].map(csvSafe);
}

/**
 * Every page of a filtered audit log, oldest cursor last: asks for the next page only when the
 * previous one has been consumed, so at most one page is held however long the log.
 */
export async function* auditPages(first: AuditPage, next: (before: string) => Promise<AuditPage>): AsyncGenerator<readonly AuditEntryView[]> {
  let page = first;
  for (;;) {
    if (page.entries.length > 0) yield page.entries;
    if (!page.nextCursor) return;
    page = await next(page.nextCursor);
  }
}

async function* rows(pages: AsyncIterable<readonly AuditEntryView[]>): AsyncGenerator<readonly string[]> {
  yield AUDIT_CSV_HEADER;
  for await (const entries of pages) {
    for (const entry of entries) yield auditCsvRow(entry);
  }
}

/**
 * Writes the pages as CSV (a header row, then one row per entry) into `destination` with
 * back-pressure: a slow reader slows the reading of the log instead of growing a buffer.
 * Rejects, destroying `destination`, when a page cannot be read or the reader goes away.
 */
export function writeAuditCsv(pages: AsyncIterable<readonly AuditEntryView[]>, destination: Writable): Promise<void> {
  // A BOM so that spreadsheets read the file as UTF-8 (account names are not all ASCII).
  return pipeline(Readable.from(rows(pages)), stringify({ bom: true }), destination);
}
