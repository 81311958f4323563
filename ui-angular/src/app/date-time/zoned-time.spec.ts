import { startOfDayInZone } from './zoned-time';

describe('startOfDayInZone', () => {
  it('gives the instant a day starts in the zone, winter and summer', () => {
    expect(startOfDayInZone('2024-01-15', 'Europe/Paris')).toBe('2024-01-14T23:00:00.000Z');
    expect(startOfDayInZone('2024-07-15', 'Europe/Paris')).toBe('2024-07-14T22:00:00.000Z');
    expect(startOfDayInZone('2024-01-15', 'Asia/Tokyo')).toBe('2024-01-14T15:00:00.000Z');
    expect(startOfDayInZone('2024-01-15', 'America/Los_Angeles')).toBe('2024-01-15T08:00:00.000Z');
    expect(startOfDayInZone('2024-01-15', 'UTC')).toBe('2024-01-15T00:00:00.000Z');
  });

  it('handles the days clocks change, and an exclusive end on the next day', () => {
    // Paris springs forward on 31 March 2024 at 02:00: that day still starts at midnight, UTC+1.
    expect(startOfDayInZone('2024-03-31', 'Europe/Paris')).toBe('2024-03-30T23:00:00.000Z');
    expect(startOfDayInZone('2024-03-31', 'Europe/Paris', 1)).toBe('2024-03-31T22:00:00.000Z');
    expect(startOfDayInZone('2024-12-31', 'UTC', 1)).toBe('2025-01-01T00:00:00.000Z');
  });

  it('refuses a malformed day', () => {
    expect(startOfDayInZone('15/01/2024', 'UTC')).toBeUndefined();
  });
});
