import { describeLocation } from '../../application/ports/geolocation.port';
import { GeoipLiteGeolocation, StaticGeolocation } from './geoip-lite.adapter';
import { isLocalAddress, normalizeIp } from './ip-address';

describe('isLocalAddress', () => {
  it.each(['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.10', '127.0.0.1', '169.254.3.4', '100.64.0.1', '::1', 'fd12:3456::1', 'fe80::1', '::ffff:192.168.0.2'])(
    '%s is local',
    (ip) => expect(isLocalAddress(ip)).toBe(true),
  );
  it.each(['8.8.8.8', '172.32.0.1', '81.2.69.142', '2a00:1450:4007:80e::200e', '::ffff:8.8.4.4', 'not-an-ip'])('%s is not local', (ip) =>
    expect(isLocalAddress(ip)).toBe(false),
  );
  it('drops the IPv4-mapped prefix and the zone', () => {
    expect(normalizeIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
  });
});

describe('GeoipLiteGeolocation (bundled data)', () => {
  const geo = new GeoipLiteGeolocation();

  it('finds the city and country of a public address', async () => {
    // A MaxMind test address of the GeoLite data: stable across data updates.
    const where = await geo.locate('81.2.69.142');
    expect(where).toMatchObject({ ip: '81.2.69.142', local: false, countryCode: 'GB', country: 'United Kingdom' });
    expect(typeof where.city).toBe('string');
    expect(describeLocation(where)).toMatch(/^81\.2\.69\.142, .+, United Kingdom$/);
  });

  it('finds IPv6 addresses and IPv4-mapped ones', async () => {
    expect((await geo.locate('::ffff:81.2.69.142')).countryCode).toBe('GB');
    expect((await geo.locate('2a00:1450:4007:80e::200e')).countryCode).not.toBeNull();
  });

  it('says "local network" for private and loopback addresses', async () => {
    const where = await geo.locate('192.168.1.20');
    expect(where).toEqual({ ip: '192.168.1.20', local: true, city: null, countryCode: null, country: null });
    expect(describeLocation(where)).toBe('192.168.1.20, local network');
    expect(describeLocation(await geo.locate('::1'))).toBe('::1, local network');
  });

  it('knows nothing of something that is not an address', async () => {
    expect(await geo.locate('garbage')).toEqual({ ip: 'garbage', local: false, city: null, countryCode: null, country: null });
  });
});

describe('describeLocation', () => {
  it('leaves out the parts it does not know', async () => {
    const geo = new StaticGeolocation({ '203.0.113.5': { city: null, countryCode: 'FR' } });
    expect(describeLocation(await geo.locate('203.0.113.5'))).toBe('203.0.113.5, France');
    expect(describeLocation(await geo.locate('203.0.113.6'))).toBe('203.0.113.6');
  });
});
