import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { ComputerListResponse, ComputerRow } from '../../../application/contracts/computers-live.contracts';
import type { SessionHistoryPage } from '../../../application/contracts/session-history.contracts';
import { UI_DIST, catalog, t as translate } from '../../kit/console-catalog';
import { launchBrowser, openPage, waitForText, type BrowserPage } from '../../kit/browser';
import { eventually } from '../agent-kit';
import { bearer, signedUp, type Pair } from '../auth-kit';
import { startApp, type E2eApp } from '../e2e-app';

const en = catalog('en');
/** The English text of a key. */
const t = (key: string): string => translate(en, key);

/** The refresh token the console keeps between visits (ui-angular/src/app/auth/auth.service.ts). */
const REFRESH_TOKEN_KEY = 'switchboard.refreshToken';
/** The demo agent starts with the server; on a loaded machine its first frames take a while. */
const DEMO_WAIT_MS = 20_000;

/** The canvas's pixels as a PNG data URL (the server's tsconfig has no DOM types: the canvas is described here). */
const pixelsOf = (canvas: Locator): Promise<string> => canvas.evaluate((element) => (element as unknown as { toDataURL(type: string): string }).toDataURL('image/png'));

const framesDrawn = async (canvas: Locator): Promise<number> => Number((await canvas.getAttribute('data-frames')) ?? '0');

/** The text of each row the terminal shows, trimmed (xterm's DOM renderer: one element per row). */
const terminalRows = async (terminal: Locator): Promise<string[]> =>
  (await terminal.locator('.xterm-rows > *').allTextContents()).map((row) => row.replace(/\u00a0/g, ' ').trim());

/** Waits until the terminal's rows pass `check`; a timeout names the rows it showed instead. */
async function waitForRows(terminal: Locator, check: (rows: string[]) => boolean, what: string): Promise<string[]> {
  let rows: string[] = [];
  try {
    return await eventually(async () => {
      rows = await terminalRows(terminal);
      return check(rows) ? rows : undefined;
    }, what, DEMO_WAIT_MS);
  } catch {
    throw new Error(`expected ${what} in the terminal, it shows ${JSON.stringify(rows.filter(Boolean))}`);
  }
}

describe('a remote session in Chromium: one click on the demo computer, a changing screen, a prompt, the end, the history', () => {
  let app: E2eApp;
  let browser: Browser;
  let current: BrowserPage | undefined;
  let owner: Pair;
  let screenshotDir: string;

  beforeAll(async () => {
    if (!existsSync(path.join(UI_DIST, 'index.html'))) {
      throw new Error(`The console is not built (${UI_DIST}/index.html is missing): run npm run build:ui first`);
    }
    screenshotDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-sessions-'));
    const [started, launched] = await Promise.allSettled([startApp({ UI_DIST, DEMO_COMPUTER: 'on' }), launchBrowser()]);
    if (started.status === 'fulfilled') app = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const outcome of [launched, started]) if (outcome.status === 'rejected') throw outcome.reason;

    ({ pair: owner } = await signedUp(app, 'ada.remote@example.com'));
    // The first-sign-in tour is the onboarding test's subject; here it would cover the page.
    await request(app.url).post('/api/me/onboarding').set(bearer(owner.accessToken)).send({ outcome: 'dismissed' }).expect(204);
  });

  afterAll(async () => {
    await current?.close();
    await browser?.close();
    await app?.stop();
    if (screenshotDir && !process.env.KEEP_BROWSER_SCREENSHOTS) await rm(screenshotDir, { recursive: true, force: true });
    else if (screenshotDir) console.log(`browser screenshots kept in ${screenshotDir}`);
  });

  /** Signed in as a kept session: the console finds the refresh token on its first visit (and only then, since it rotates it at once). */
  async function signedInPage(): Promise<Page> {
    current = await openPage(browser);
    await current.context.addInitScript({
      content: `if (!localStorage.getItem(${JSON.stringify(REFRESH_TOKEN_KEY)})) localStorage.setItem(${JSON.stringify(REFRESH_TOKEN_KEY)}, ${JSON.stringify(owner.refreshToken)});`,
    });
    return current.page;
  }

  async function demoComputer(): Promise<ComputerRow> {
    return eventually(
      async () => {
        const response = await request(app.url).get('/api/computers').set(bearer(owner.accessToken)).expect(200);
        const demo = (response.body as ComputerListResponse).demo;
        return demo?.status === 'online' ? demo : undefined;
      },
      'the demo computer online',
      DEMO_WAIT_MS,
    );
  }

  it('connects to the demo computer, sees its screen change, echoes in a prompt, ends, and finds the session in the history', async () => {
    const demo = await demoComputer();
    const page = await signedInPage();
    await page.goto(`${app.url}/computers`);
    await page.waitForURL(/\/computers$/);

    // One click on the demo computer: a console session, and the viewer.
    const demoRow = page.locator(`[data-testid="computer-row"][data-id="${demo.id}"]`);
    await waitForText(demoRow.getByTestId('computer-status'), t('computers.status.online'));
    await demoRow.getByTestId('computer-connect').click();
    await page.waitForURL(/\/sessions\/[0-9a-f-]{36}$/);
    const sessionId = new URL(page.url()).pathname.split('/').pop()!;
    await page.locator('[data-testid="session-state"][data-state="open"]').waitFor();
    await page.locator('[data-testid="session-agent"][data-agent="connected"]').waitFor({ timeout: DEMO_WAIT_MS });

    // The screen: frames drawn on the canvas at the demo's size, and the picture changes (the clock, the bar).
    const screen = page.getByTestId('session-screen');
    await eventually(async () => (await framesDrawn(screen)) >= 1, 'a first frame drawn', DEMO_WAIT_MS);
    await expect(screen.getAttribute('data-width')).resolves.toBe('1024');
    await expect(screen.getAttribute('data-height')).resolves.toBe('640');
    const firstCount = await framesDrawn(screen);
    const firstPixels = await pixelsOf(screen);
    await page.screenshot({ path: path.join(screenshotDir, '1-screen.png') });
    await eventually(async () => (await framesDrawn(screen)) > firstCount, 'more frames drawn', DEMO_WAIT_MS);
    const laterPixels = await eventually(async () => {
      const pixels = await pixelsOf(screen);
      return pixels !== firstPixels ? pixels : undefined;
    }, 'the canvas to change', DEMO_WAIT_MS);
    // Not a blank canvas that merely grew: a PNG of a drawn 1024×640 screen is far from empty.
    expect(laterPixels.length).toBeGreaterThan(5_000);
    await page.screenshot({ path: path.join(screenshotDir, '2-screen-changed.png') });

    // A web command prompt: typed into xterm.js, the demo's toy shell echoes.
    await page.getByTestId('session-open-prompt').click();
    const tab = page.getByTestId('session-tab-prompt');
    await tab.waitFor();
    const terminal = page.locator(`[data-testid="prompt-terminal"][data-prompt-id="${await tab.getAttribute('data-prompt-id')}"]`);
    await waitForRows(terminal, (rows) => rows.some((row) => row.startsWith('demo$')), 'the prompt');
    const input = terminal.locator('.xterm-helper-textarea');
    await input.pressSequentially('echo hello-browser', { delay: 20 });
    await input.press('Enter');
    const rows = await waitForRows(terminal, (shown) => shown.includes('hello-browser'), 'a row "hello-browser"');
    expect(rows.some((row) => row.endsWith('echo hello-browser'))).toBe(true);
    await page.screenshot({ path: path.join(screenshotDir, '3-prompt.png') });

    // The end: the viewer says why.
    await page.getByTestId('session-end').click();
    await page.locator('[data-testid="session-ended"][data-reason="technician"]').waitFor();
    await waitForText(page.getByTestId('session-ended'), new RegExp(t('sessions.endReason.technician').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

    // The history page: the session, ended, from the console, with a duration.
    await page.getByTestId('nav-history').click();
    await page.waitForURL(/\/sessions\/history$/);
    const historyRow = page.locator(`[data-testid="history-row"][data-id="${sessionId}"]`);
    await historyRow.waitFor();
    await expect(historyRow.getAttribute('data-status')).resolves.toBe('ended');
    await waitForText(historyRow.locator('.pill'), t('sessions.source.console'));
    await waitForText(historyRow.getByTestId('history-duration'), /\d/);
    await expect(historyRow.getByTestId('history-terminate').count()).resolves.toBe(0);
    const history = await request(app.url).get('/api/sessions/history').set(bearer(owner.accessToken)).expect(200);
    expect((history.body as SessionHistoryPage).items).toEqual([
      expect.objectContaining({ id: sessionId, source: 'console', status: 'ended', endReason: 'technician', computerId: demo.id, commandLineCount: 1 }),
    ]);
    await page.screenshot({ path: path.join(screenshotDir, '4-history.png') });

    // The sessions page: "Send a link" creates a support link and shows its address.
    await page.getByTestId('nav-sessions').click();
    await page.waitForURL(/\/sessions$/);
    // The owner's "Record sessions" switch shows the account's setting (off by default).
    await page.locator('[data-testid="sessions-recording"][data-known="true"]').waitFor();
    await expect(page.getByTestId('sessions-recording').isChecked()).resolves.toBe(false);
    await page.getByTestId('sessions-send-link').click();
    await page.getByTestId('link-ticket').fill('T-1042');
    await page.getByTestId('link-create').click();
    const url = page.getByTestId('link-url');
    await eventually(async () => (await url.inputValue()) !== '', 'the link address');
    const address = new URL(await url.inputValue());
    expect(address.origin).toBe(app.url);
    expect(address.pathname).toMatch(/^\/support\/[A-Za-z0-9_-]{22,}$/);
    expect(address.searchParams.get('ticket')).toBe('T-1042');
    const linkSession = await page.getByTestId('link-result').getAttribute('data-session-id');
    // Behind the dialog, the list already shows the new session waiting for its end-user.
    await page.locator(`[data-testid="sessions-available"] [data-testid="session-row"][data-id="${linkSession}"][data-status="waiting"]`).waitFor({ state: 'attached' });
    const listed = await request(app.url).get('/api/sessions').query({ status: 'waiting,active' }).set(bearer(owner.accessToken)).expect(200);
    expect((listed.body as SessionHistoryPage).items).toEqual([expect.objectContaining({ id: linkSession, source: 'link', status: 'waiting', ticket: 'T-1042' })]);
    await page.screenshot({ path: path.join(screenshotDir, '5-link.png') });

    expect(current!.unexpectedProblems()).toEqual([]);
  }, 120_000);
});
