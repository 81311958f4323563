import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { TranslatePipe } from '@ngx-translate/core';
import { filter } from 'rxjs';

import { LanguageService } from '../i18n/language.service';
import { LANGUAGES, LANGUAGE_NAMES, isLanguageCode } from '../i18n/languages';
import { NAV_ITEMS } from './nav-items';

/** Client-space layout: top bar (product, language), left menu, routed content. */
@Component({
  selector: 'app-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, TranslatePipe],
  templateUrl: './shell.html',
  styleUrl: './shell.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  protected readonly language = inject(LanguageService);
  protected readonly navItems = NAV_ITEMS;
  protected readonly languages = LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] }));
  /** On narrow screens the menu is a drawer; it closes again after each navigation. */
  protected readonly menuOpen = signal(false);

  constructor() {
    inject(Router)
      .events.pipe(
        filter((event) => event instanceof NavigationEnd),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.menuOpen.set(false));
  }

  protected toggleMenu(): void {
    this.menuOpen.update((open) => !open);
  }

  protected async chooseLanguage(value: string): Promise<void> {
    if (isLanguageCode(value)) await this.language.use(value);
  }
}
