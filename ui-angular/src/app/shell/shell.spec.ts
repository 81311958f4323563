import { ApplicationInitStatus, Component } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { LANGUAGE_STORAGE_KEY } from '../i18n/language.service';
import { provideI18n } from '../i18n/provide-i18n';
import { NAV_ITEMS } from './nav-items';
import { Shell } from './shell';

@Component({ template: '<p data-testid="page">page</p>' })
class StubPage {}

async function renderShell(): Promise<ComponentFixture<Shell>> {
  TestBed.configureTestingModule({
    imports: [Shell],
    providers: [provideRouter(NAV_ITEMS.map((item) => ({ path: item.path, component: StubPage }))), provideI18n()],
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
});
