import { DOCUMENT } from '@angular/common';
import { Injectable, computed, inject, signal } from '@angular/core';

import { LanguageService } from '../i18n/language.service';

export type DateTimeStyle = 'dateTime' | 'date' | 'time';

/** What the user's profile will say; until then, what the browser says. */
export interface DateTimePreferences {
  /** IANA zone, e.g. 'Europe/Paris'. */
  readonly timeZone: string;
  /** undefined: the locale's own habit (12 h in en-US, 24 h in fr). */
  readonly hour12?: boolean;
}

const STYLES: Readonly<Record<DateTimeStyle, Intl.DateTimeFormatOptions>> = {
  dateTime: { dateStyle: 'medium', timeStyle: 'medium' },
  date: { dateStyle: 'medium' },
  time: { timeStyle: 'medium' },
};

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * Formats instants in the user's time zone and locale. The locale is the console language, refined by
 * the browser's region when they agree (an en-GB browser in English gets day-month order).
 */
@Injectable({ providedIn: 'root' })
export class DateTimeService {
  private readonly language = inject(LanguageService);
  private readonly navigator = inject(DOCUMENT).defaultView?.navigator;
  private readonly preferences = signal<DateTimePreferences>({ timeZone: browserTimeZone() });
  private readonly formatters = new Map<string, Intl.DateTimeFormat>();

  readonly timeZone = computed(() => this.preferences().timeZone);
  readonly hour12 = computed(() => this.preferences().hour12);
  readonly locale = computed(() => {
    const language = this.language.current();
    const browserTags = this.navigator?.languages ?? [];
    return browserTags.find((tag) => tag.toLowerCase().split('-')[0] === language && tag.includes('-')) ?? language;
  });

  /** Replaces the preferences; an unknown time zone is refused rather than silently shown as UTC. */
  setPreferences(preferences: DateTimePreferences): void {
    new Intl.DateTimeFormat(undefined, { timeZone: preferences.timeZone });
    this.preferences.set({ ...preferences });
  }

  /** Empty text for a missing or unparsable value, so a template never shows "Invalid Date". */
  format(value: string | number | Date | null | undefined, style: DateTimeStyle = 'dateTime'): string {
    if (value === null || value === undefined || value === '') return '';
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) return '';
    return this.formatter(style).format(date);
  }

  /** A duration in the largest two units, in the console language: "3 d 4 h", "5 min 2 s". */
  formatDuration(totalSeconds: number): string {
    const units: readonly [Intl.NumberFormatOptions['unit'], number][] = [
      ['day', 86_400],
      ['hour', 3_600],
      ['minute', 60],
      ['second', 1],
    ];
    let rest = Math.max(0, Math.floor(totalSeconds));
    const parts: string[] = [];
    for (const [unit, size] of units) {
      const amount = Math.floor(rest / size);
      rest -= amount * size;
      if (amount > 0 || (parts.length === 0 && unit === 'second')) {
        parts.push(new Intl.NumberFormat(this.locale(), { style: 'unit', unit, unitDisplay: 'narrow' }).format(amount));
      }
      if (parts.length === 2) break;
    }
    return parts.join(' ');
  }

  private formatter(style: DateTimeStyle): Intl.DateTimeFormat {
    const { timeZone, hour12 } = this.preferences();
    const locale = this.locale();
    const key = `${locale}|${timeZone}|${hour12}|${style}`;
    let formatter = this.formatters.get(key);
    if (!formatter) {
      const options: Intl.DateTimeFormatOptions = { ...STYLES[style], timeZone };
      if (hour12 !== undefined && style !== 'date') options.hourCycle = hour12 ? 'h12' : 'h23';
      formatter = new Intl.DateTimeFormat(locale, options);
      this.formatters.set(key, formatter);
    }
    return formatter;
  }
}
