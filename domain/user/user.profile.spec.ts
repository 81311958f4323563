import { isCountryCode, isTimeZone } from './user.profile';

describe('profile reference data', () => {
  it('knows the ISO 3166-1 alpha-2 codes, each of which the runtime can name', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const codes = [...letters].flatMap((a) => [...letters].map((b) => a + b)).filter(isCountryCode);
    expect(codes).toHaveLength(250);
    expect(codes.filter((c) => !names.of(c))).toEqual([]);
    for (const reserved of ['ZZ', 'EU', 'UN', 'XA', 'QO', 'AN', 'SU']) expect(isCountryCode(reserved)).toBe(false);
  });

  it('knows the IANA time zones', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
    expect(isTimeZone('europe/paris')).toBe(false);
  });
});
