import { ApplicationInitStatus, Component } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { Router, provideRouter } from '@angular/router';

import { consoleTestProviders, meView, profile, settle, signedIn } from '../../testing/auth-fixtures';
import { byTestId, maybeByTestId } from '../../testing/dom';
import { AUTH_API } from '../auth/auth-api';
import { LANGUAGE_STORAGE_KEY } from '../i18n/language.service';
import { NAV_ITEMS } from './nav-items';
import { BARE_LAYOUT, Shell } from './shell';

@Component({ template: '<p data-testid="page">page</p>' })
class StubPage {}

async function renderShell(): Promise<ComponentFixture<Shell>> {
  TestBed.configureTestingModule({
    imports: [Shell],
    providers: [
      provideRouter([
        ...NAV_ITEMS.map((item) => ({ path: item.path, component: StubPage })),
        { path: 'sign-in', component: StubPage, data: { [BARE_LAYOUT]: true } },
        { path: 'profile', component: StubPage },
      ]),
      ...consoleTestProviders(),
    ],
  });
  await TestBed.inject(ApplicationInitStatus).donePromise;
  const fixture = TestBed.createComponent(Shell);
  await fixture.whenStable();
  return fixture;
}

function menuLabels(fixture: ComponentFixture<Shell>): string[] {
  const links = fixture.nativeElement.querySelectorAll('nav a') as NodeListOf<HTMLAnchorElement>;
  return Array.from(links, (link) => link.textContent?.trim() ?? '');
}

function picker(fixture: ComponentFixture<Shell>): HTMLSelectElement {
  return fixture.nativeElement.querySelector('[data-testid="language-picker"]');
}

describe('Shell', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => jest.restoreAllMocks());

  it('renders the product name and the left menu in English for an English browser', async () => {
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US', 'en']);
    const fixture = await renderShell();

    expect(fixture.nativeElement.querySelector('[data-testid="product-name"]').textContent.trim()).toBe('Switchboard');
    expect(menuLabels(fixture)).toEqual([
      'Computers',
      'Sessions',
      'History',
      'Tickets',
      'Audit log',
      'Settings',
      'Status',
    ]);
    expect(picker(fixture).value).toBe('en');
  });

  it('switches the menu to French from the picker, and remembers the choice', async () => {
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    const fixture = await renderShell();

    const select = picker(fixture);
    select.value = 'fr';
    select.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    // The catalog arrives as a lazy chunk: let that promise settle, then render again.
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();

    expect(menuLabels(fixture)).toEqual([
      'Ordinateurs',
      'Sessions',
      'Historique',
      'Tickets',
      "Journal d'audit",
      'Paramètres',
      'État',
    ]);
    expect(fixture.nativeElement.querySelector('.language__label').textContent.trim()).toBe('Langue');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('fr');
    expect(document.documentElement.lang).toBe('fr');
  });

  it('starts in the language the user chose before, over the browser language', async () => {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, 'de');
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['it-IT', 'en']);
    const fixture = await renderShell();

    expect(menuLabels(fixture)).toContain('Einstellungen');
    expect(picker(fixture).value).toBe('de');
  });

  it('defaults to the first browser language it ships, ignoring unsupported ones', async () => {
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['pt-BR', 'es-MX', 'en']);
    const fixture = await renderShell();

    expect(menuLabels(fixture)).toContain('Registro de auditoría');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBeNull();
  });

  describe('user menu', () => {
    beforeEach(() => jest.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']));

    it('offers sign-in at the bottom left when signed out', async () => {
      const fixture = await renderShell();
      expect(byTestId(fixture, 'nav-sign-in').getAttribute('href')).toBe('/sign-in');
      expect(maybeByTestId(fixture, 'user-menu')).toBeNull();
    });

    it('shows the signed-in user with their profile and sign-out', async () => {
      const fixture = await renderShell();
      await signedIn(meView({ profile: profile({ firstName: 'Ann', lastName: 'Smith' }), onboarding: 'completed' }));
      await fixture.whenStable();

      expect(byTestId(fixture, 'user-name').textContent?.trim()).toBe('Ann Smith');
      expect(maybeByTestId(fixture, 'signout')).toBeNull();
      byTestId(fixture, 'user-menu').click();
      await fixture.whenStable();
      expect(byTestId(fixture, 'user-menu-profile').getAttribute('href')).toBe('/profile');

      byTestId(fixture, 'signout').click();
      const http = TestBed.inject(HttpTestingController);
      http.expectOne(AUTH_API.logout).flush(null, { status: 204, statusText: 'No Content' });
      await settle(fixture);
      expect(TestBed.inject(Router).url).toBe('/sign-in?reason=signed-out');
      expect(maybeByTestId(fixture, 'user-menu')).toBeNull();
      http.verify();
    });

    it('hides the left menu on the sign-in page', async () => {
      const fixture = await renderShell();
      await TestBed.inject(Router).navigateByUrl('/sign-in');
      await fixture.whenStable();
      expect(fixture.nativeElement.querySelector('nav')).toBeNull();
      await TestBed.inject(Router).navigateByUrl('/computers');
      await fixture.whenStable();
      expect(menuLabels(fixture)).toContain('Computers');
    });
  });
});
