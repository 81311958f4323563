import { DOCUMENT } from '@angular/common';
import { Injectable, inject, signal } from '@angular/core';
import { TranslateService } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';

import { DEFAULT_LANGUAGE, LanguageCode, isLanguageCode, supportedLanguageOf } from './languages';

export const LANGUAGE_STORAGE_KEY = 'switchboard.language';

/** The console language: chosen by the user, remembered in this browser, else the browser's own. */
@Injectable({ providedIn: 'root' })
export class LanguageService {
  private readonly translate = inject(TranslateService);
  private readonly document = inject(DOCUMENT);
  private readonly currentLanguage = signal<LanguageCode>(DEFAULT_LANGUAGE);

  readonly current = this.currentLanguage.asReadonly();

  /** Called once at startup; resolves when the first catalog is loaded so no raw key ever shows. */
  init(): Promise<void> {
    return this.use(this.initialLanguage(), false);
  }

  async use(language: LanguageCode, remember = true): Promise<void> {
    await firstValueFrom(this.translate.use(language));
    this.currentLanguage.set(language);
    this.document.documentElement.lang = language;
    if (remember) this.storage()?.setItem(LANGUAGE_STORAGE_KEY, language);
  }

  private initialLanguage(): LanguageCode {
    const stored = this.storage()?.getItem(LANGUAGE_STORAGE_KEY);
    if (isLanguageCode(stored)) return stored;
    const nav = this.document.defaultView?.navigator;
    const preferred = nav?.languages?.length ? nav.languages : [nav?.language];
    for (const tag of preferred) {
      const supported = supportedLanguageOf(tag);
      if (supported) return supported;
    }
    return DEFAULT_LANGUAGE;
  }

  /** Storage can be missing or throw (privacy modes); the language then lasts for the page only. */
  private storage(): Storage | undefined {
    try {
      return this.document.defaultView?.localStorage ?? undefined;
    } catch {
      return undefined;
    }
  }
}
