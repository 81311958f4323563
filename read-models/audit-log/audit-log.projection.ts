import { EVERY_EVENT_TYPE, type Projection, type ProjectedEvent } from '../projection';
import type { AuditEntryView } from './audit-log.view';
import { posKey } from './audit-pos-key';
import { summarize } from './audit-summary';

export const AUDIT_LOG = 'audit-log';

/** The stream category: the part of `<category>-<id>` before the first hyphen (the whole name if none). */
export function streamCategory(stream: string): string {
  const dash = stream.indexOf('-');
  return dash > 0 ? stream.slice(0, dash) : stream;
}

/** occurredAt as the canonical UTC form, so period filters compare strings; kept as is when unparseable. */
function canonicalTime(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** The audit row of one event. Pure: it depends on the event only, so a replay writes the same row. */
export function auditEntry(event: ProjectedEvent): AuditEntryView {
  const { metadata } = event;
  return {
    id: metadata.eventId,
    tenantId: metadata.tenantId,
    at: canonicalTime(metadata.occurredAt),
    actor: { kind: metadata.actor.kind, id: metadata.actor.id },
    type: event.type,
    aggregate: event.stream,
    aggregateType: streamCategory(event.stream),
    ip: metadata.source?.ip ?? null,
    userAgent: metadata.source?.userAgent ?? null,
    correlationId: metadata.correlationId,
    position: event.position,
    posKey: posKey(event.position),
    summary: summarize(event.type, event.data),
  };
}

/**
 * The audit log: one document per event of every type, in the event's tenant. Events are never
 * changed, so `evolve` ignores the document it is given and rebuilds the row from the event.
 * Indexes lead with the filter field and end with `posKey`, so "newest first after a cursor"
 * under a filter is an index range in MongoDB (the tenant key is prepended by the adapter).
 */
export const auditLogProjection: Projection<AuditEntryView> = {
  name: AUDIT_LOG,
  version: 1,
  canHandle: [EVERY_EVENT_TYPE],
  indexes: [
    { keys: { posKey: -1 } },
    { keys: { at: -1 } },
    { keys: { 'actor.id': 1, posKey: -1 } },
    { keys: { type: 1, posKey: -1 } },
    { keys: { aggregate: 1, posKey: -1 } },
    { keys: { aggregateType: 1, posKey: -1 } },
  ],
  docId: (event) => event.metadata.eventId,
  evolve: (_doc, event) => auditEntry(event),
};
