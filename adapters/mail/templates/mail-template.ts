/** The languages every mail exists in; the console offers the same ones. */
export const MAIL_LANGUAGES = ['en', 'fr', 'de', 'es', 'it'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

/**
 * One piece of a mail body. Texts may hold `{{placeholder}}`s; `link.href` is exactly one
 * placeholder whose value must be an http(s) URL.
 */
export type MailBlock =
  | { readonly kind: 'paragraph'; readonly text: string }
  /** A value to copy exactly (a password): alone on its line, monospace in HTML. */
  | { readonly kind: 'code'; readonly text: string }
  /** The action of the mail: a button in HTML, the bare URL on its own line in text. */
  | { readonly kind: 'link'; readonly label: string; readonly href: string };

/** One template in one language. */
export interface MailTranslation {
  readonly subject: string;
  readonly blocks: readonly MailBlock[];
}

/**
 * A mail template: its translations and how its typed parameters become placeholder values
 * (numbers and dates are formatted for the reader's language there).
 */
export interface MailTemplate<P> {
  readonly name: string;
  readonly translations: Readonly<Record<MailLanguage, MailTranslation>>;
  values(params: P, language: MailLanguage): Readonly<Record<string, string>>;
}

/** The words around every mail, per language. */
export interface MailChrome {
  readonly greeting: string;
  /** Shown under a button, for clients that do not follow it. */
  readonly linkFallback: string;
  readonly footer: string;
}

export const MAIL_CHROME: Readonly<Record<MailLanguage, MailChrome>> = {
  en: {
    greeting: 'Hello,',
    linkFallback: 'If the button does not work, copy this address into your browser:',
    footer: 'This message was sent automatically by Switchboard; replies are not read.',
  },
  fr: {
    greeting: 'Bonjour,',
    linkFallback: 'Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :',
    footer: 'Ce message a été envoyé automatiquement par Switchboard ; les réponses ne sont pas lues.',
  },
  de: {
    greeting: 'Guten Tag,',
    linkFallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:',
    footer: 'Diese Nachricht wurde automatisch von Switchboard gesendet; Antworten werden nicht gelesen.',
  },
  es: {
    greeting: 'Hola:',
    linkFallback: 'Si el botón no funciona, copia esta dirección en tu navegador:',
    footer: 'Switchboard ha enviado este mensaje automáticamente; las respuestas no se leen.',
  },
  it: {
    greeting: 'Ciao,',
    linkFallback: 'Se il pulsante non funziona, copia questo indirizzo nel browser:',
    footer: 'Questo messaggio è stato inviato automaticamente da Switchboard; le risposte non vengono lette.',
  },
};

/**
 * The supported language for a user's preference: `fr-CA` and `fr_ch` read as `fr`; anything
 * unknown or missing falls back to English.
 */
export function resolveMailLanguage(language: string | null | undefined): MailLanguage {
  const primary = (language ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (MAIL_LANGUAGES as readonly string[]).includes(primary) ? (primary as MailLanguage) : 'en';
}

/** A duration in the reader's words: whole hours as hours ("1 Stunde"), otherwise minutes. */
export function formatDuration(minutes: number, language: MailLanguage): string {
  if (!Number.isInteger(minutes) || minutes <= 0) throw new RangeError(`Not a positive number of minutes: ${minutes}`);
  const hours = minutes % 60 === 0;
  return new Intl.NumberFormat(language, { style: 'unit', unit: hours ? 'hour' : 'minute', unitDisplay: 'long' }).format(
    hours ? minutes / 60 : minutes,
  );
}

/** How the reader's profile wants times shown; without one, UTC and the language's habit. */
export interface TimePreferences {
  /** An IANA zone (`Europe/Paris`); an unknown one falls back to UTC rather than failing the mail. */
  readonly timeZone?: string;
  /** True for a 12-hour clock, false for 24-hour, absent for the language's habit. */
  readonly hour12?: boolean;
}

/** A date and time with its zone, in the reader's language and time preferences. */
export function formatDateTime(iso: string, language: MailLanguage, preferences: TimePreferences = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not an ISO time: ${iso}`);
  const options = (timeZone: string): Intl.DateTimeFormatOptions => ({
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone,
    ...(preferences.hour12 === undefined ? {} : { hour12: preferences.hour12 }),
  });
  try {
    return new Intl.DateTimeFormat(language, options(preferences.timeZone ?? 'UTC')).format(date);
  } catch {
    return new Intl.DateTimeFormat(language, options('UTC')).format(date);
  }
}
