import { Injectable } from '@angular/core';
import { TranslateLoader, TranslationObject } from '@ngx-translate/core';
import { defer, from, map, Observable } from 'rxjs';

import { LanguageCode, isLanguageCode } from './languages';

type JsonModule = { default: TranslationObject };

/**
 * Each language is a lazy chunk of the build (hashed, cached, no separate HTTP route for the server's
 * SPA fallback to shadow), fetched the first time a user switches to it.
 */
const CATALOGS: Readonly<Record<LanguageCode, () => Promise<JsonModule>>> = {
  en: () => import('../../assets/i18n/en.json'),
  fr: () => import('../../assets/i18n/fr.json'),
  de: () => import('../../assets/i18n/de.json'),
  es: () => import('../../assets/i18n/es.json'),
  it: () => import('../../assets/i18n/it.json'),
};

@Injectable()
export class JsonTranslateLoader implements TranslateLoader {
  getTranslation(lang: string): Observable<TranslationObject> {
    const code = isLanguageCode(lang) ? lang : 'en';
    return defer(() => from(CATALOGS[code]())).pipe(map((module) => module.default));
  }
}
