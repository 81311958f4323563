import { registerLocaleData } from '@angular/common';
import localeDe from '@angular/common/locales/de';
import localeEs from '@angular/common/locales/es';
import localeFr from '@angular/common/locales/fr';
import localeIt from '@angular/common/locales/it';

/** Languages the console ships translations for; the first is the fallback. */
export const LANGUAGES = ['en', 'fr', 'de', 'es', 'it'] as const;
export type LanguageCode = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: LanguageCode = 'en';

/** Each language named in itself, so a user can find theirs whatever the current language is. */
export const LANGUAGE_NAMES: Readonly<Record<LanguageCode, string>> = {
  en: 'English',
  fr: 'Français',
  de: 'Deutsch',
  es: 'Español',
  it: 'Italiano',
};

export function isLanguageCode(value: unknown): value is LanguageCode {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** 'fr-CA' → 'fr'; undefined when the base language is not one we ship. */
export function supportedLanguageOf(tag: string | null | undefined): LanguageCode | undefined {
  const base = tag?.toLowerCase().split(/[-_]/)[0];
  return isLanguageCode(base) ? base : undefined;
}

let localesRegistered = false;

/**
 * Angular's own pipes (number, percent, currency) look locale data up by id; English is built in.
 * The language changes at runtime, so every shipped locale is registered up front.
 */
export function registerLocales(): void {
  if (localesRegistered) return;
  registerLocaleData(localeFr, 'fr');
  registerLocaleData(localeDe, 'de');
  registerLocaleData(localeEs, 'es');
  registerLocaleData(localeIt, 'it');
  localesRegistered = true;
}
