import type { Position } from '../../application/ports/position';

const WIDTH = 20;
const DECIMAL = /^(0|[1-9][0-9]{0,19})(?:\.(0|[1-9][0-9]{0,19}))?$/;
const POS_KEY = /^[0-9]{20}\.[0-9]{20}$/;

/**
 * A position as a fixed-width key whose string order is the position order: commit and prepare
 * parts, each zero-padded to 20 digits (a bare "N" is "N.N", as `comparePositions` reads it).
 * Range queries and sorts on it work in any store, unlike the variable-width position itself.
 */
export function posKey(position: Position): string {
  const match = DECIMAL.exec(position);
  if (!match) throw new Error(`Not a position: ${JSON.stringify(position)}`);
  const commit = match[1];
  const prepare = match[2] ?? commit;
  return `${commit.padStart(WIDTH, '0')}.${prepare.padStart(WIDTH, '0')}`;
}

/** Whether a string is a key `posKey` could have made (a pagination cursor from a client). */
export const isPosKey = (value: unknown): value is string => typeof value === 'string' && POS_KEY.test(value);
