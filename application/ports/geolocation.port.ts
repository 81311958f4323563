export const GEOLOCATION = Symbol('Geolocation');

/** Where an IP address is, as far as an offline database knows. */
export interface GeoLocation {
  readonly ip: string;
  /** True for private, loopback and link-local addresses: the agent is on the server's own network. */
  readonly local: boolean;
  /** City name, or null when the database knows only the country (or nothing). */
  readonly city: string | null;
  /** ISO 3166-1 alpha-2 code, or null. */
  readonly countryCode: string | null;
  /** Country name in English, or null. */
  readonly country: string | null;
}

/** IP → city and country, from data shipped with the server (no network call per lookup). */
export interface Geolocation {
  locate(ip: string): Promise<GeoLocation>;
}

/** "IP, city, country" as the console shows it; "IP, local network" for a private address; the parts known otherwise. */
export function describeLocation(location: GeoLocation): string {
  if (location.local) return `${location.ip}, local network`;
  return [location.ip, location.city, location.country].filter((part): part is string => !!part).join(', ');
}
