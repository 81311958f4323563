import { comparePositions } from '../../application/ports/position';
import { decodeEsdbPosition, encodeEsdbPosition } from './eventstoredb-event-store.adapter';

describe('EventStoreDB positions', () => {
  it('writes "commit" when both parts are equal and "commit.prepare" otherwise', () => {
    expect(encodeEsdbPosition({ commit: 1234n, prepare: 1234n })).toBe('1234');
    expect(encodeEsdbPosition({ commit: 1234n, prepare: 1390n })).toBe('1234.1390');
    expect(encodeEsdbPosition({ commit: 18446744073709551615n, prepare: 18446744073709551615n })).toBe('18446744073709551615');
  });

  it('decodes what it encodes, beyond the safe integer range', () => {
    for (const position of [
      { commit: 0n, prepare: 0n },
      { commit: 987n, prepare: 1001n },
      { commit: 9007199254740993n, prepare: 9007199254741100n },
    ]) {
      expect(decodeEsdbPosition(encodeEsdbPosition(position))).toEqual(position);
    }
    expect(() => decodeEsdbPosition('12.x')).toThrow(/Invalid position/);
  });

  it('orders encoded positions like the server orders (commit, prepare)', () => {
    const ordered = [
      { commit: 100n, prepare: 100n },
      { commit: 100n, prepare: 180n },
      { commit: 100n, prepare: 260n },
      { commit: 400n, prepare: 400n },
      { commit: 10000n, prepare: 10000n },
    ].map(encodeEsdbPosition);
    for (let i = 1; i < ordered.length; i += 1) expect(comparePositions(ordered[i - 1], ordered[i])).toBeLessThan(0);
  });
});
