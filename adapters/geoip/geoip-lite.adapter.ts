import { isIP } from 'node:net';
import type { GeoLocation, Geolocation } from '../../application/ports/geolocation.port';
import { isLocalAddress, normalizeIp } from './ip-address';

interface GeoipLiteModule {
  lookup(ip: string): { country: string; city: string } | null;
}

const COUNTRY_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * Geolocation from geoip-lite's bundled GeoLite data (installed with the package, no download at
 * run time). The data takes about 150 MB of memory, so it is loaded on the first lookup, not at boot.
 */
export class GeoipLiteGeolocation implements Geolocation {
  private geoip: GeoipLiteModule | null = null;

  async locate(ip: string): Promise<GeoLocation> {
    const address = normalizeIp(ip);
    if (isIP(address) === 0) return { ip, local: false, city: null, countryCode: null, country: null };
    if (isLocalAddress(address)) return { ip: address, local: true, city: null, countryCode: null, country: null };
    // Loaded lazily on purpose (see above); a require keeps it synchronous once.
    this.geoip ??= require('geoip-lite') as GeoipLiteModule;
    const found = this.geoip.lookup(address);
    const countryCode = found?.country ? found.country : null;
    return {
      ip: address,
      local: false,
      city: found?.city ? found.city : null,
      countryCode,
      country: countryCode ? (COUNTRY_NAMES.of(countryCode) ?? countryCode) : null,
    };
  }
}

/** A fixed table, for tests that must not depend on the database's current content. */
export class StaticGeolocation implements Geolocation {
  constructor(private readonly table: Readonly<Record<string, { city: string | null; countryCode: string | null }>> = {}) {}

  async locate(ip: string): Promise<GeoLocation> {
    const address = normalizeIp(ip);
    if (isLocalAddress(address)) return { ip: address, local: true, city: null, countryCode: null, country: null };
    const found = this.table[address];
    const countryCode = found?.countryCode ?? null;
    return { ip: address, local: false, city: found?.city ?? null, countryCode, country: countryCode ? (COUNTRY_NAMES.of(countryCode) ?? countryCode) : null };
  }
}
