import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ALL_PROJECTIONS } from '../../../read-models';
import { ACCOUNT_LIST } from '../../../read-models/account-list/account-list.projection';
import type { Projection } from '../../../read-models/projection';
import { launchBrowser, openPage, pngSize, waitForText, type BrowserPage, type PageProblem } from '../../kit/browser';
import { startApp, type E2eApp } from '../e2e-app';
import { UI_DIST, catalog, t } from '../../kit/console-catalog';

const en = catalog('en');
const fr = catalog('fr');

/**
 * A projection that stops on one account name: the server's own way to report a projection that meets an
 * event it cannot read, triggered through the public API instead of a corrupted store.
 */
const TRIPWIRE = 'tripwire';
const TRIPWIRE_ACCOUNT = 'Trips the wire';
const tripwireProjection: Projection = {
  name: TRIPWIRE,
  version: 1,
  canHandle: ['AccountRegistered'],
  docId: (event) => (event.data as { accountId: string }).accountId,
  evolve(_doc, event) {
    const data = event.data as { accountId: string; name: string };
    if (data.name === TRIPWIRE_ACCOUNT) throw new Error('tripwire: cannot read this account');
    return { id: data.accountId, tenantId: event.metadata.tenantId };
  },
};

describe('the console in Chromium', () => {
  let app: E2eApp;
  let browser: Browser;
  let current: BrowserPage | undefined;
  let screenshotDir: string;

  beforeAll(async () => {
    if (!existsSync(path.join(UI_DIST, 'index.html'))) {
      throw new Error(`The console is not built (${UI_DIST}/index.html is missing): run npm run build:ui first`);
    }
    screenshotDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-browser-'));
    // Both at once to save time; settled, so that afterAll stops whichever started when the other failed.
    const [started, launched] = await Promise.allSettled([
      startApp({ UI_DIST }, { projections: [...ALL_PROJECTIONS, tripwireProjection] }),
      launchBrowser(),
    ]);
    if (started.status === 'fulfilled') app = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const outcome of [launched, started]) if (outcome.status === 'rejected') throw outcome.reason;
  });

  afterEach(async () => {
    await current?.close();
    current = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (screenshotDir && !process.env.KEEP_BROWSER_SCREENSHOTS) await rm(screenshotDir, { recursive: true, force: true });
    else if (screenshotDir) console.log(`browser screenshots kept in ${screenshotDir}`);
  });

  /** Opens the console at `/` in a fresh context and waits for the status page to have the health. */
  async function openConsole(): Promise<Page> {
    current = await openPage(browser);
    const { page } = current;
    await page.goto(`${app.url}/`);
    await page.waitForURL(/\/status$/);
    await waitForText(page.getByTestId('overall-status'), t(en, 'status.overallState.ok'));
    return page;
  }

  const projectionRow = (page: Page, name: string) => page.locator(`[data-testid="projection-row"][data-projection="${name}"]`);

  /** The cell of a projection row under the column whose header is `header`; found by header, not by position. */
  async function cell(page: Page, name: string, header: string) {
    const headers = (await page.locator('thead th').allTextContents()).map((text) => text.trim());
    const index = headers.indexOf(header);
    if (index < 0) throw new Error(`no column "${header}" in ${JSON.stringify(headers)}`);
    return projectionRow(page, name).locator('td').nth(index);
  }

  async function register(name: string): Promise<{ id: string; position: string }> {
    const response = await fetch(`${app.url}/api/accounts`, {
      method: 'POST',
      headers: { ...app.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, kind: 'msp' }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; position: string };
  }

  /** Marks the document so that a reload (which would lose the mark) is caught. */
  async function markDocument(page: Page): Promise<() => Promise<boolean>> {
    const mark = `not-reloaded-${Math.random()}`;
    // The callbacks run in the page; globalThis is its window (the backend's tsconfig has no DOM types).
    await page.evaluate((value) => {
      (globalThis as unknown as { __browserTestMark: string }).__browserTestMark = value;
    }, mark);
    return () => page.evaluate((value) => (globalThis as unknown as { __browserTestMark?: string }).__browserTestMark === value, mark);
  }

  const noProblems = (expected?: (problem: PageProblem) => boolean) => expect(current!.unexpectedProblems(expected)).toEqual([]);

  it('opens on the status page: operational, account-list running, live link', async () => {
    const page = await openConsole();

    await expect(page.getByTestId('overall-status').getAttribute('data-status')).resolves.toBe('ok');
    const row = projectionRow(page, ACCOUNT_LIST);
    await row.waitFor();
    await waitForText(row.locator('td').first(), ACCOUNT_LIST);
    await expect(row.getAttribute('data-state')).resolves.toBe('running');
    await waitForText(page.getByTestId('live-indicator'), t(en, 'status.live'));
    await expect(page.getByTestId('live-indicator').getAttribute('data-state')).resolves.toBe('live');
    await waitForText(page.getByTestId('nav-status'), t(en, 'nav.status'));
    await expect(page.getByTestId('nav-status').getAttribute('aria-current')).resolves.toBe('page');
    await expect(page.getByTestId('event-store-adapter').textContent()).resolves.toMatch(/sqlite/i);
    noProblems();
  });

  it('follows server changes live, without reloading the page', async () => {
    const page = await openConsole();
    const checkpoint = await cell(page, ACCOUNT_LIST, t(en, 'status.columns.checkpoint'));
    const before = (await checkpoint.textContent())?.trim();
    const notReloaded = await markDocument(page);

    await register('Live One');
    await register('Live Two');
    const last = await register('Live Three');
    expect(last.position).not.toBe(before);

    await waitForText(checkpoint, last.position);
    await waitForText(page.getByTestId('event-store-head'), last.position);
    await expect(notReloaded()).resolves.toBe(true);
    noProblems();
  });

  it('switches to French from the picker, menu and page together, and takes a readable screenshot', async () => {
    const page = await openConsole();
    const notReloaded = await markDocument(page);
    await waitForText(page.getByTestId('nav-computers'), t(en, 'nav.computers'));

    await page.getByTestId('language-picker').selectOption('fr');

    await waitForText(page.getByTestId('nav-computers'), t(fr, 'nav.computers'));
    await waitForText(page.getByTestId('nav-status'), t(fr, 'nav.status'));
    await waitForText(page.locator('h1'), t(fr, 'status.title'));
    await waitForText(page.getByTestId('live-indicator'), t(fr, 'status.live'));
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
    await expect(notReloaded()).resolves.toBe(true);

    const file = path.join(screenshotDir, 'status-fr.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    const size = pngSize(png);
    expect(size.width).toBe(1280);
    expect(size.height).toBeGreaterThanOrEqual(800);
    // A blank or single-colour page compresses to a few hundred bytes; a rendered console is far larger.
    expect(png.length).toBeGreaterThan(20_000);
    noProblems();
  });

  // Last: from here on the server stays degraded.
  it('shows a projection that fails, live: degraded, the row failed with its error', async () => {
    const page = await openConsole();
    const notReloaded = await markDocument(page);
    const row = projectionRow(page, TRIPWIRE);
    await waitForText(row.locator('td').first(), TRIPWIRE);

    await register(TRIPWIRE_ACCOUNT);

    await waitForText(page.getByTestId('overall-status'), t(en, 'status.overallState.degraded'));
    await expect(page.getByTestId('overall-status').getAttribute('data-status')).resolves.toBe('degraded');
    await page.locator(`[data-testid="projection-row"][data-projection="${TRIPWIRE}"][data-state="failed"]`).waitFor();
    await waitForText(await cell(page, TRIPWIRE, t(en, 'status.columns.state')), t(en, 'status.projectionState.failed'));
    await waitForText(await cell(page, TRIPWIRE, t(en, 'status.columns.error')), /tripwire: cannot read this account/);
    // The other projections go on.
    await expect(projectionRow(page, ACCOUNT_LIST).getAttribute('data-state')).resolves.toBe('running');
    await expect(notReloaded()).resolves.toBe(true);
    const shot = await page.screenshot({ path: path.join(screenshotDir, 'status-degraded.png'), fullPage: true });
    expect(pngSize(shot).width).toBe(1280);
    noProblems();
  });
});
