import { DomainError } from '../shared/domain-error';
import { isValidEmail, normalizeEmail } from './email';

/** The console's languages. */
export const LANGUAGES = ['en', 'fr', 'de', 'es', 'it'] as const;
export type Language = (typeof LANGUAGES)[number];

export type TimeFormat = '12h' | '24h';

/** What the console needs to greet a person and show every date and time their way. */
export type UserProfile = {
  readonly firstName: string;
  readonly lastName: string;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string;
  readonly language: Language;
  /** An IANA time zone. */
  readonly timeZone: string;
  readonly timeFormat: TimeFormat;
  /** A technician's title, shown to the people they help. */
  readonly title?: string;
  /** Where the people a technician helps may write to them. */
  readonly technicianEmail?: string;
};

export const NAME_MAX = 100;

/** ISO 3166-1 alpha-2 officially assigned codes, plus XK (Kosovo), which every directory uses. */
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
    'UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
  ).split(' '),
);

export const isCountryCode = (code: string): boolean => COUNTRIES.has(code);

let timeZones: ReadonlySet<string> | undefined;
/** Case as IANA writes it: "Europe/Paris", "America/Argentina/Buenos_Aires", "UTC". */
const IANA_SHAPE = /^[A-Z][A-Za-z_]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

/**
 * An IANA time zone the runtime knows. ICU lists one name per zone (sometimes an older one:
 * Asia/Calcutta for Asia/Kolkata), so a name ICU resolves to a listed zone is accepted too;
 * UTC is accepted although ICU lists it under no name.
 */
export function isTimeZone(zone: string): boolean {
  timeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  if (timeZones.has(zone)) return true;
  if (!IANA_SHAPE.test(zone)) return false;
  try {
    return timeZones.has(new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone);
  } catch {
    return false;
  }
}

const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);

function cleanName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= NAME_MAX ? trimmed : undefined;
}

/** An optional text field: absent, null or blank means "none"; anything else must clean up. */
function optionalField(value: unknown, clean: (text: string) => string | undefined): { ok: boolean; value?: string } {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return { ok: true };
  if (typeof value !== 'string') return { ok: false };
  const cleaned = clean(value);
  return cleaned === undefined ? { ok: false } : { ok: true, value: cleaned };
}

/**
 * Checks every field and returns the profile as it will be stored (names trimmed, country upper case,
 * empty optional fields dropped). A bad field throws USER_PROFILE_INVALID naming every bad field.
 */
export function validateProfile(input: Readonly<Record<string, unknown>>): UserProfile {
  const bad: string[] = [];
  const firstName = cleanName(input.firstName);
  const lastName = cleanName(input.lastName);
  if (!firstName) bad.push('firstName');
  if (!lastName) bad.push('lastName');
  const country = typeof input.country === 'string' ? input.country.trim().toUpperCase() : '';
  if (!isCountryCode(country)) bad.push('country');
  if (!isLanguage(input.language)) bad.push('language');
  if (typeof input.timeZone !== 'string' || !isTimeZone(input.timeZone)) bad.push('timeZone');
  if (input.timeFormat !== '12h' && input.timeFormat !== '24h') bad.push('timeFormat');
  const title = optionalField(input.title, cleanName);
  if (!title.ok) bad.push('title');
  const technicianEmail = optionalField(input.technicianEmail, (v) => {
    const email = normalizeEmail(v);
    return isValidEmail(email) ? email : undefined;
  });
  if (!technicianEmail.ok) bad.push('technicianEmail');
  if (bad.length > 0) {
    throw new DomainError('USER_PROFILE_INVALID', `Invalid profile field(s): ${bad.join(', ')}`, { fields: bad });
  }
  return {
    firstName: firstName as string,
    lastName: lastName as string,
    country,
    language: input.language as Language,
    timeZone: input.timeZone as string,
    timeFormat: input.timeFormat as TimeFormat,
    ...(title.value ? { title: title.value } : {}),
    ...(technicianEmail.value ? { technicianEmail: technicianEmail.value } : {}),
  };
}

/** Two profiles say the same thing (optional fields absent on both or equal). */
export function sameProfile(a: UserProfile | null, b: UserProfile): boolean {
  if (!a) return false;
  const keys: (keyof UserProfile)[] = ['firstName', 'lastName', 'country', 'language', 'timeZone', 'timeFormat', 'title', 'technicianEmail'];
  return keys.every((k) => a[k] === b[k]);
}
