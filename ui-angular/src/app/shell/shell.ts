import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ActivatedRouteSnapshot, NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { TranslatePipe } from '@ngx-translate/core';
import { filter } from 'rxjs';

import { AuthService } from '../auth/auth.service';
import { LanguageService } from '../i18n/language.service';
import { LANGUAGES, LANGUAGE_NAMES, isLanguageCode } from '../i18n/languages';
import { OnboardingTour } from '../onboarding/onboarding-tour';
import { NAV_ITEMS } from './nav-items';

/** Route data flag of the sign-in, registration and recovery pages: no left menu, the form in the middle. */
export const BARE_LAYOUT = 'bareLayout';

function deepest(route: ActivatedRouteSnapshot): ActivatedRouteSnapshot {
  let current = route;
  while (current.firstChild) current = current.firstChild;
  return current;
}

/** Client-space layout: top bar (product, language), left menu with the user menu at its foot, routed content. */
@Component({
  selector: 'app-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, TranslatePipe, OnboardingTour],
  templateUrl: './shell.html',
  styleUrl: './shell.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  protected readonly language = inject(LanguageService);
  protected readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly navItems = NAV_ITEMS;
  protected readonly languages = LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] }));
  /** On narrow screens the menu is a drawer; it closes again after each navigation. */
  protected readonly menuOpen = signal(false);
  protected readonly userMenuOpen = signal(false);
  protected readonly bare = signal(false);
  /** Menu entries the onboarding tour points at. */
  protected readonly tourTargets = signal<readonly string[]>([]);
  protected readonly showTour = computed(
    () => !this.bare() && !this.auth.mustChangePassword() && this.auth.me()?.onboarding === 'pending',
  );
  protected readonly userName = computed(() => {
    const me = this.auth.me();
    const profile = me?.profile;
    const name = profile ? `${profile.firstName} ${profile.lastName}`.trim() : '';
    return name || me?.email || '';
  });
  protected readonly initials = computed(() => {
    const words = this.userName().split(/[\s@.]+/).filter(Boolean);
    return words
      .slice(0, 2)
      .map((word) => word[0]?.toUpperCase() ?? '')
      .join('');
  });

  constructor() {
    this.router.events
      .pipe(
        filter((event) => event instanceof NavigationEnd),
        takeUntilDestroyed(),
      )
      .subscribe(() => {
        this.menuOpen.set(false);
        this.userMenuOpen.set(false);
        this.bare.set(deepest(this.router.routerState.snapshot.root).data[BARE_LAYOUT] === true);
      });
  }

  protected toggleMenu(): void {
    this.menuOpen.update((open) => !open);
  }

  protected toggleUserMenu(): void {
    this.userMenuOpen.update((open) => !open);
  }

  protected highlighted(path: string): boolean {
    return this.tourTargets().includes(path);
  }

  protected async chooseLanguage(value: string): Promise<void> {
    if (isLanguageCode(value)) await this.language.use(value);
  }

  protected signOut(): Promise<void> {
    this.userMenuOpen.set(false);
    return this.auth.signOut();
  }
}
