import { EnvironmentProviders, inject, makeEnvironmentProviders, provideAppInitializer } from '@angular/core';
import { TitleStrategy } from '@angular/router';
import { provideTranslateLoader, provideTranslateService } from '@ngx-translate/core';

import { JsonTranslateLoader } from './json-translate.loader';
import { LanguageService } from './language.service';
import { DEFAULT_LANGUAGE, registerLocales } from './languages';
import { TranslatedTitleStrategy } from './translated-title.strategy';

/** Runtime translations for the shipped languages, the initial language chosen before the first render. */
export function provideI18n(): EnvironmentProviders {
  registerLocales();
  return makeEnvironmentProviders([
    provideTranslateService({ loader: provideTranslateLoader(JsonTranslateLoader), fallbackLang: DEFAULT_LANGUAGE }),
    provideAppInitializer(() => inject(LanguageService).init()),
    { provide: TitleStrategy, useClass: TranslatedTitleStrategy },
  ]);
}
