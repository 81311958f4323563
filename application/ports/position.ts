/**
 * A global position in `$all`: opaque to callers, ordered by `comparePositions`.
 *
 * SQLite writes a decimal sequence number ("42"). EventStoreDB needs a (commit, prepare) pair,
 * written "commit" when both are equal and "commit.prepare" otherwise (events after the first
 * of a multi-event append share its commit position). Decimal strings keep positions JSON-safe
 * in HTTP answers, checkpoints and ETags.
 */
export type Position = string;

/** Before the first event: reading `$all` after this reads everything. */
export const START: Position = '0';

function parts(p: Position): [string, string] {
  const dot = p.indexOf('.');
  return dot < 0 ? [p, p] : [p.slice(0, dot), p.slice(dot + 1)];
}

function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const DECIMAL = /^(0|[1-9][0-9]{0,19})(\.(0|[1-9][0-9]{0,19}))?$/;

export function isPosition(value: unknown): value is Position {
  return typeof value === 'string' && DECIMAL.test(value);
}

/** Negative when a is before b, 0 when equal, positive when a is after b. */
export function comparePositions(a: Position, b: Position): number {
  if (a === b) return 0;
  const [ac, ap] = parts(a);
  const [bc, bp] = parts(b);
  return compareDecimal(ac, bc) || compareDecimal(ap, bp);
}

export const isAfter = (a: Position, b: Position): boolean => comparePositions(a, b) > 0;

/**
 * How many events separate two positions where that can be told (SQLite sequence numbers);
 * undefined for EventStoreDB byte offsets.
 */
export function distance(from: Position, to: Position): number | undefined {
  if (from.includes('.') || to.includes('.')) return undefined;
  const d = Number(to) - Number(from);
  return Number.isSafeInteger(d) ? Math.max(0, d) : undefined;
}
