import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RecordedEvent } from '../../../application/ports/event-store.port';
import { launchBrowser, openPage, pngSize, waitForText, type BrowserPage } from '../../kit/browser';
import { STRONG_PASSWORD, eventsOfType, generatedPassword, mailTo, template } from '../auth-kit';
import { startApp, type E2eApp } from '../e2e-app';
import { UI_DIST, catalog, t } from '../../kit/console-catalog';

const en = catalog('en');
const fr = catalog('fr');

const EMAIL = 'ada.journey@example.com';
const ZONE = 'America/New_York';
/**
 * A British browser: its own habit is 24 h, so a time with am/pm can only come from the profile's
 * 12 h choice; and the browser's zone is UTC, so a New York time can only come from the profile's zone.
 */
const BROWSER_LOCALE = 'en-GB';

/** How the console must write an instant for this user: the audit page's medium date and time, in their zone, 12 h. */
function expectedTime(at: string, timeZone: string, hourCycle: 'h12' | 'h23'): string {
  return new Intl.DateTimeFormat(BROWSER_LOCALE, { dateStyle: 'medium', timeStyle: 'medium', timeZone, hourCycle }).format(new Date(at));
}
/** ICU versions differ in which space they put before am/pm (U+0020, U+202F): compare words, not spaces. */
const words = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ').trim();

/** Whether `types` contains `expected` in this order (other events may come in between). */
function inOrder(events: readonly RecordedEvent[], expected: readonly ((event: RecordedEvent) => boolean)[]): boolean {
  let next = 0;
  for (const event of events) if (next < expected.length && expected[next]!(event)) next++;
  return next === expected.length;
}

describe('an account journey in Chromium: register, mailed password, forced change, tour, profile, sign out', () => {
  let app: E2eApp;
  let browser: Browser;
  let current: BrowserPage | undefined;
  let screenshotDir: string;

  beforeAll(async () => {
    if (!existsSync(path.join(UI_DIST, 'index.html'))) {
      throw new Error(`The console is not built (${UI_DIST}/index.html is missing): run npm run build:ui first`);
    }
    screenshotDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-journey-'));
    // Both at once to save time; settled, so that afterAll stops whichever started when the other failed.
    const [started, launched] = await Promise.allSettled([startApp({ UI_DIST }), launchBrowser()]);
    if (started.status === 'fulfilled') app = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const outcome of [launched, started]) if (outcome.status === 'rejected') throw outcome.reason;
  });

  afterAll(async () => {
    await current?.close();
    await browser?.close();
    await app?.stop();
    if (screenshotDir && !process.env.KEEP_BROWSER_SCREENSHOTS) await rm(screenshotDir, { recursive: true, force: true });
    else if (screenshotDir) console.log(`browser screenshots kept in ${screenshotDir}`);
  });

  /** Waits for the URL; if the page shows a refused request instead, fails with its code at once. */
  async function arriveAt(page: Page, url: RegExp): Promise<void> {
    const problem = page.getByTestId('problem').first();
    const outcome = await Promise.race([
      page.waitForURL(url).then(() => 'arrived' as const),
      problem.waitFor({ state: 'visible' }).then(() => 'problem' as const),
    ]);
    if (outcome === 'problem') {
      throw new Error(`expected ${url} but ${page.url()} shows problem ${await problem.getAttribute('data-code')}: ${words(await problem.textContent())}`);
    }
  }

  /** Saves the profile form and waits for the confirmation (or fails with the server's code). */
  async function saveProfile(page: Page): Promise<void> {
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/me/profile') && r.request().method() === 'PUT');
    await page.getByTestId('profile-save').click();
    const response = await saved;
    if (response.status() !== 200) throw new Error(`profile save: HTTP ${response.status()} ${await response.text()}`);
    await page.getByTestId('profile-saved').waitFor();
  }

  async function openProfile(page: Page): Promise<void> {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('user-menu-profile').click();
    await page.waitForURL(/\/profile$/);
    await page.getByTestId('profile-first-name').waitFor();
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const file = path.join(screenshotDir, name);
    await page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    expect(pngSize(png).width).toBe(1280);
    // A blank or single-colour page compresses to a few hundred bytes; a rendered console is far larger.
    expect(png.length).toBeGreaterThan(15_000);
  }

  it('goes from registration to sign-out, in the user’s zone, time format and language', async () => {
    current = await openPage(browser, { locale: BROWSER_LOCALE });
    const { page } = current;

    // Register: the server mails a generated password.
    await page.goto(`${app.url}/register`);
    await page.getByTestId('register-email').fill(EMAIL);
    await page.getByTestId('register-language').selectOption('en');
    await page.getByTestId('register-submit').click();
    await waitForText(page.getByTestId('register-success'), new RegExp(EMAIL.replace(/\./g, '\\.')));

    const mail = await mailTo(app, EMAIL, template('registration-password'));
    expect((await app.infra.outbox?.latest(EMAIL))?.messageId).toBe(mail.messageId);
    const emailedPassword = generatedPassword(mail.text);

    // First sign-in with the mailed password: the forced change, which does not ask for it again.
    await page.getByTestId('register-signin').click();
    await page.waitForURL(/\/sign-in$/);
    await page.getByTestId('signin-email').fill(EMAIL);
    await page.getByTestId('signin-password').fill(emailedPassword);
    await page.getByTestId('signin-submit').click();
    await arriveAt(page, /\/first-login$/);
    await page.getByTestId('newpassword-new').waitFor();
    expect(await page.getByTestId('newpassword-current').count()).toBe(0);
    await page.getByTestId('newpassword-new').fill(STRONG_PASSWORD);
    await page.getByTestId('newpassword-confirm').fill(STRONG_PASSWORD);
    await page.getByTestId('newpassword-submit').click();

    // Home, with the onboarding tour over it; skipped, it is remembered by the server.
    await arriveAt(page, /\/computers$/);
    const tour = page.getByTestId('tour');
    await tour.waitFor();
    expect(await tour.getAttribute('data-step')).toBe('0');
    await page.getByTestId('tour-next').click();
    await page.locator('[data-testid="tour"][data-step="1"]').waitFor();
    const recorded = page.waitForResponse((r) => r.url().endsWith('/api/me/onboarding') && r.request().method() === 'POST');
    await page.getByTestId('tour-skip').click();
    expect((await recorded).status()).toBe(204);
    await tour.waitFor({ state: 'detached' });

    // A reload restores the session from the refresh token, without the tour.
    await page.reload();
    await page.waitForURL(/\/computers$/);
    await waitForText(page.getByTestId('user-name'), EMAIL);
    await waitForText(page.getByTestId('nav-computers'), t(en, 'nav.computers'));
    expect(await tour.count()).toBe(0);

    // Profile: names, country, New York, 12 h.
    await openProfile(page);
    await expect(page.getByTestId('profile-time-format-24h').isChecked()).resolves.toBe(true);
    await page.getByTestId('profile-first-name').fill('Ada');
    await page.getByTestId('profile-last-name').fill('Lovelace');
    await page.getByTestId('profile-country').selectOption('US');
    await page.getByTestId('profile-timezone').selectOption(ZONE);
    await page.getByTestId('profile-time-format-12h').check();
    await saveProfile(page);
    await waitForText(page.getByTestId('user-name'), 'Ada Lovelace');

    // The audit log shows the user's own sign-ins in New York time, 12 h.
    await page.getByTestId('nav-audit').click();
    await page.waitForURL(/\/audit$/);
    const signIn = page
      .getByTestId('audit-row')
      .filter({ has: page.locator('td', { hasText: /^\s*UserSignedIn\s*$/ }) })
      .first();
    await signIn.waitFor();
    const time = signIn.locator('time');
    const at = await time.getAttribute('datetime');
    expect(at).toBeTruthy();
    const shown = words(await time.textContent());
    expect(shown).toBe(words(expectedTime(at!, ZONE, 'h12')));
    // Neither the browser's zone nor its 24 h habit.
    expect(shown).not.toBe(words(expectedTime(at!, 'UTC', 'h12')));
    expect(shown).toMatch(/\b[ap]m$/i);
    const signIns = (await eventsOfType(app, 'UserSignedIn')).map((e) => (e.data as { signedInAt: string }).signedInAt);
    expect(signIns).toContain(at);
    await screenshot(page, 'audit-new-york-12h.png');

    // Language: French, menu and all, at once.
    await openProfile(page);
    await page.getByTestId('profile-language').selectOption('fr');
    await saveProfile(page);
    await waitForText(page.getByTestId('nav-computers'), t(fr, 'nav.computers'));
    await waitForText(page.getByTestId('nav-audit'), t(fr, 'nav.auditLog'));
    await waitForText(page.locator('h1'), t(fr, 'profile.title'));
    await expect(page.evaluate<string>('document.documentElement.lang')).resolves.toBe('fr');
    await page.getByTestId('user-menu').click();
    await waitForText(page.getByTestId('user-menu-profile'), t(fr, 'userMenu.profile'));
    await waitForText(page.getByTestId('signout'), t(fr, 'userMenu.signOut'));
    await screenshot(page, 'profile-fr.png');

    // Sign out: the sign-in page, and the profile is closed to this browser.
    await page.getByTestId('signout').click();
    await page.waitForURL(/\/sign-in\?reason=signed-out$/);
    await waitForText(page.getByTestId('signin-reason'), t(fr, 'signIn.reason.signed-out'));
    await expect(page.evaluate<string | null>("localStorage.getItem('switchboard.refreshToken')")).resolves.toBeNull();
    await page.goto(`${app.url}/profile`);
    await page.waitForURL(/\/sign-in\?returnUrl=%2Fprofile$/);
    await page.getByTestId('signin-email').waitFor();
    await screenshot(page, 'signed-out-fr.png');

    // The server recorded the journey.
    const registered = (await eventsOfType(app, 'UserRegistered')).filter((e) => (e.data as { email: string }).email === EMAIL);
    expect(registered).toHaveLength(1);
    const userId = (registered[0]!.data as { userId: string }).userId;
    const events = await app.infra.eventStore.readStream(`user-${userId}`);
    const is =
      (type: string, data: Record<string, unknown> = {}) =>
      (event: RecordedEvent) =>
        event.type === type && Object.entries(data).every(([key, value]) => JSON.stringify((event.data as Record<string, unknown>)[key]) === JSON.stringify(value));
    const journey = [
      is('UserRegistered', { method: 'email', activated: false }),
      is('UserPasswordSet', { reason: 'generated', mustChange: true }),
      is('UserActivated'),
      is('UserSignedIn', { method: 'email' }),
      is('UserPasswordSet', { reason: 'changed', mustChange: false }),
      is('UserSignedIn'),
      is('UserOnboardingFinished', { outcome: 'dismissed' }),
      (e: RecordedEvent) => is('UserProfileUpdated')(e) && (e.data as { profile: Record<string, unknown> }).profile.timeZone === ZONE,
      (e: RecordedEvent) => is('UserProfileUpdated')(e) && (e.data as { profile: Record<string, unknown> }).profile.language === 'fr',
      is('UserSignedOut'),
    ];
    expect({ inOrder: inOrder(events, journey), types: events.map((e) => e.type) }).toEqual({ inOrder: true, types: expect.any(Array) });
    const lastProfile = events.filter((e) => e.type === 'UserProfileUpdated').at(-1)!.data as { profile: Record<string, unknown> };
    expect(lastProfile.profile).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', country: 'US', language: 'fr', timeZone: ZONE, timeFormat: '12h' });
    // The session that signed out is the one the browser held last.
    const sessionOf = (e: RecordedEvent | undefined) => (e?.data as { sessionId?: string } | undefined)?.sessionId;
    expect(sessionOf(events.findLast((e) => e.type === 'UserSignedOut'))).toBe(sessionOf(events.findLast((e) => e.type === 'UserSignedIn')));

    // Nothing went wrong on the way: no console error, no failed request, and not even a 401, since every
    // token this journey used was current (a refresh that had to recover from one would show here).
    expect(current.unexpectedProblems()).toEqual([]);
  });
});
