import type { ActorKind } from '../../domain/shared/event';

/**
 * One audit-log row: one stored event. A type alias, not an interface, so it fits the read
 * store's `Doc`. It holds no personal data beyond the source of the request: crypto-shredding
 * erases names and emails from the events, and a copy here would outlive that erasure.
 */
export type AuditEntryView = {
  /** The event id. */
  readonly id: string;
  readonly tenantId: string;
  /** When it happened (the event's occurredAt, as an ISO-8601 UTC string). */
  readonly at: string;
  readonly actor: { readonly kind: ActorKind; readonly id: string };
  readonly type: string;
  /** The stream the event belongs to, `<category>-<id>`. */
  readonly aggregate: string;
  /** The stream category (`account`, `user`, `security`...). */
  readonly aggregateType: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly correlationId: string;
  /** Global position in `$all`. */
  readonly position: string;
  /** The position as a fixed-width string that sorts like it: the pagination cursor. */
  readonly posKey: string;
  /** A short English sentence saying what happened. */
  readonly summary: string;
  readonly _pos?: string;
};
