import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';

/**
 * Browser tests drive Debian's Chromium through playwright-core: no browser is ever downloaded, so the
 * machine (or CI image) must have the package. CHROMIUM_PATH points elsewhere on machines that keep it
 * in another place.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, reproducible browser: nothing phones home, nothing depends on a GPU or a sandbox. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long a browser test waits for something to show before failing; generous for a loaded 2-core machine. */
export const BROWSER_WAIT_MS = 7_000;

/**
 * Launches the system Chromium headless. A missing browser is a failure, not a skip: a browser suite
 * that silently checks nothing would let a broken console through.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the browser tests need it. Install it with ` +
        '`apt-get install -y chromium` (CI installs it), or set CHROMIUM_PATH to another Chromium.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
}

/** Something that went wrong on a page: a console error, an uncaught exception, or a request that failed. */
export interface PageProblem {
  readonly kind: 'console' | 'pageerror' | 'requestfailed' | 'http';
  readonly text: string;
  readonly url?: string;
}

export interface BrowserPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every problem seen on the page so far, in order. */
  readonly problems: PageProblem[];
  /** The problems that `expected` does not accept; a test asserts this is empty. */
  unexpectedProblems(expected?: (problem: PageProblem) => boolean): PageProblem[];
  close(): Promise<void>;
}

/**
 * A fresh context (no cookies, no storage: each test starts as a first visit) with one page that records
 * its problems. English and UTC by default so that texts and times do not depend on the machine.
 */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserPage> {
  const context = await browser.newContext({
    locale: 'en-US',
    timezoneId: 'UTC',
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  context.setDefaultTimeout(BROWSER_WAIT_MS);
  const page = await context.newPage();
  const problems: PageProblem[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push({ kind: 'console', text: message.text(), url: message.location().url });
  });
  page.on('pageerror', (error) => problems.push({ kind: 'pageerror', text: error.stack ?? error.message }));
  page.on('requestfailed', (request) => {
    const text = request.failure()?.errorText ?? 'failed';
    // The app cancelled it (a newer request replaced it, or the page moved on): a choice, not a failure.
    if (text === 'net::ERR_ABORTED') return;
    problems.push({ kind: 'requestfailed', text, url: request.url() });
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push({ kind: 'http', text: `HTTP ${response.status()}`, url: response.url() });
  });
  return {
    context,
    page,
    problems,
    unexpectedProblems: (expected = () => false) => problems.filter((problem) => !expected(problem)),
    close: () => context.close(),
  };
}

/** A pattern that matches exactly `text`, whatever whitespace the template puts around and inside it. */
export function exactText(text: string): RegExp {
  const escaped = text.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return new RegExp(`^\\s*${escaped}\\s*$`);
}

/**
 * Waits (Playwright's own auto-waiting, re-resolving the locator each time, so re-rendered elements are
 * fine) until the one element of `locator` has exactly the text `expected`, or matches the pattern. A
 * timeout names the text that was there instead.
 */
export async function waitForText(locator: Locator, expected: string | RegExp, timeoutMs = BROWSER_WAIT_MS): Promise<void> {
  const pattern = typeof expected === 'string' ? exactText(expected) : expected;
  try {
    await locator.filter({ hasText: pattern }).waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (error) {
    const actual = await locator
      .first()
      .textContent({ timeout: 200 })
      .then((text) => `"${(text ?? '').replace(/\s+/g, ' ').trim()}"`)
      .catch(() => 'no such element');
    throw new Error(`${locator}: expected text ${String(expected)}, found ${actual} after ${timeoutMs} ms (${(error as Error).message.split('\n')[0]})`);
  }
}

/** Reads a PNG's width and height from its IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('ascii', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG file');
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
