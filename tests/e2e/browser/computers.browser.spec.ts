import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { AgentFacts, EnrollResponse } from '../../../application/contracts/agent.protocol';
import type { ComputerDetailsRow } from '../../../application/contracts/computers-live.contracts';
import { UI_DIST, catalog, t as translate } from '../../kit/console-catalog';
import { BROWSER_WAIT_MS, launchBrowser, openPage, waitForText, type BrowserPage } from '../../kit/browser';
import { AgentSocket, enrollWithPassword, eventually, LINUX_FACTS } from '../agent-kit';
import { bearer, signedUp, STRONG_PASSWORD, type Pair } from '../auth-kit';
import { startApp, type E2eApp } from '../e2e-app';

const en = catalog('en');
/** The English text of a key. */
const t = (key: string): string => translate(en, key);

/** The refresh token the console keeps between visits (ui-angular/src/app/auth/auth.service.ts). */
const REFRESH_TOKEN_KEY = 'switchboard.refreshToken';
/** Short enough that a closed agent goes offline well within a browser wait; heartbeats stay at their default. */
const OFFLINE_GRACE_MS = 400;

const facts = (platform: AgentFacts['os']['platform'], hostname: string): AgentFacts => ({
  ...LINUX_FACTS,
  os: { platform, release: platform === 'win32' ? '10.0.22631' : platform === 'darwin' ? '14.4' : '6.8.0', arch: 'x64' },
  hostname,
});

/** Enrolled in this order, so "date added" puts Charlie first; names differ in case to show the case-insensitive sort. */
const COMPUTERS = [
  { name: 'Alpha desk', facts: facts('win32', 'alpha') },
  { name: 'bravo laptop', facts: facts('darwin', 'bravo') },
  { name: 'Charlie server', facts: facts('linux', 'charlie') },
] as const;

describe('the computers page in Chromium: group, sort, search, drag into a group, live status', () => {
  let app: E2eApp;
  let browser: Browser;
  let current: BrowserPage | undefined;
  let owner: Pair;
  const enrolled = new Map<string, EnrollResponse>();
  const agents = new Map<string, AgentSocket>();
  let screenshotDir: string;

  beforeAll(async () => {
    if (!existsSync(path.join(UI_DIST, 'index.html'))) {
      throw new Error(`The console is not built (${UI_DIST}/index.html is missing): run npm run build:ui first`);
    }
    screenshotDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-computers-'));
    const [started, launched] = await Promise.allSettled([startApp({ UI_DIST, AGENT_OFFLINE_GRACE_MS: String(OFFLINE_GRACE_MS) }), launchBrowser()]);
    if (started.status === 'fulfilled') app = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const outcome of [launched, started]) if (outcome.status === 'rejected') throw outcome.reason;

    const email = 'grace.fleet@example.com';
    ({ pair: owner } = await signedUp(app, email));
    // The first-sign-in tour is the onboarding test's subject; here it would cover the page.
    await request(app.url).post('/api/me/onboarding').set(bearer(owner.accessToken)).send({ outcome: 'dismissed' }).expect(204);
    for (const computer of COMPUTERS) {
      const response = await enrollWithPassword(app.url, email, STRONG_PASSWORD, computer.facts, computer.name);
      enrolled.set(computer.name, response);
      agents.set(computer.name, await AgentSocket.online(app.url, response.agentKey, computer.facts));
    }
  });

  afterAll(async () => {
    await current?.close();
    for (const agent of agents.values()) await agent.close();
    await browser?.close();
    await app?.stop();
    if (screenshotDir && !process.env.KEEP_BROWSER_SCREENSHOTS) await rm(screenshotDir, { recursive: true, force: true });
    else if (screenshotDir) console.log(`browser screenshots kept in ${screenshotDir}`);
  });

  const idOf = (name: string): string => enrolled.get(name)!.computerId;
  const row = (page: Page, name: string): Locator => page.locator(`[data-testid="computer-row"][data-id="${idOf(name)}"]`);

  /** Waits until the list shows exactly these names, in this order (a re-render may be on its way). */
  async function waitForNames(page: Page, expected: readonly string[]): Promise<void> {
    let shown: string[] = [];
    try {
      await eventually(async () => {
        shown = (await page.getByTestId('computer-name').allTextContents()).map((name) => name.trim());
        return JSON.stringify(shown) === JSON.stringify(expected);
      }, 'the list', BROWSER_WAIT_MS);
    } catch {
      throw new Error(`expected the list ${JSON.stringify(expected)}, it shows ${JSON.stringify(shown)}`);
    }
  }

  async function waitForSections(page: Page, expected: readonly string[]): Promise<void> {
    let shown: string[] = [];
    try {
      await eventually(async () => {
        shown = (await page.getByTestId('computer-section-title').allTextContents()).map((title) => title.trim());
        return JSON.stringify(shown) === JSON.stringify(expected);
      }, 'the sections', BROWSER_WAIT_MS);
    } catch {
      throw new Error(`expected the sections ${JSON.stringify(expected)}, the page shows ${JSON.stringify(shown)}`);
    }
  }

  /** Drags with the mouse the way a person does (press, move in steps past the CDK's threshold, release). */
  async function dragOnto(page: Page, source: Locator, target: Locator): Promise<void> {
    const from = (await source.boundingBox())!;
    const to = (await target.boundingBox())!;
    await page.mouse.move(from.x + 24, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y + from.height / 2 + 10, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
    await page.mouse.move(to.x + to.width / 2 + 2, to.y + to.height / 2, { steps: 2 });
    await page.mouse.up();
  }

  it('lists, sorts, groups, searches, moves by drag and drop, and follows a computer going offline live', async () => {
    current = await openPage(browser);
    const { page, context } = current;
    // Signed in as a kept session: the console finds the refresh token on its first visit (and only then,
    // since it rotates it at once).
    await context.addInitScript({
      content: `if (!localStorage.getItem(${JSON.stringify(REFRESH_TOKEN_KEY)})) localStorage.setItem(${JSON.stringify(REFRESH_TOKEN_KEY)}, ${JSON.stringify(owner.refreshToken)});`,
    });
    await page.goto(`${app.url}/computers`);
    await page.waitForURL(/\/computers$/);

    // All three online, by name, case ignored; the OS icon of each; the live link open.
    await waitForNames(page, ['Alpha desk', 'bravo laptop', 'Charlie server']);
    for (const { name } of COMPUTERS) await waitForText(row(page, name).getByTestId('computer-status'), t('computers.status.online'));
    await expect(row(page, 'Alpha desk').locator('[data-os]').getAttribute('data-os')).resolves.toBe('win32');
    await expect(row(page, 'bravo laptop').locator('[data-os]').getAttribute('data-os')).resolves.toBe('darwin');
    await waitForText(row(page, 'Alpha desk').getByTestId('computer-location'), `127.0.0.1, ${t('computers.localNetwork')}`);
    await page.locator('[data-testid="computers-live"][data-live="true"]').waitFor();
    await page.screenshot({ path: path.join(screenshotDir, '1-list.png') });

    // Sort: descending by name, then by date added (newest first).
    await page.getByTestId('computers-direction').click();
    await waitForNames(page, ['Charlie server', 'bravo laptop', 'Alpha desk']);
    await page.getByTestId('computers-sort').selectOption('addedAt');
    await waitForNames(page, ['Charlie server', 'bravo laptop', 'Alpha desk']);
    await page.getByTestId('computers-direction').click();
    await waitForNames(page, ['Alpha desk', 'bravo laptop', 'Charlie server']);

    // Group by first letter.
    await page.getByTestId('computers-sort').selectOption('name');
    await page.getByTestId('computers-group-by').selectOption('letter');
    await waitForSections(page, ['A', 'B', 'C']);

    // Search as you type, on the server.
    await page.getByTestId('computers-search').pressSequentially('BRAV', { delay: 30 });
    await waitForNames(page, ['bravo laptop']);
    await page.getByTestId('computers-search').fill('');
    await waitForNames(page, ['Alpha desk', 'bravo laptop', 'Charlie server']);

    // A new group in the sidebar, then Alpha dragged onto it.
    await page.getByTestId('group-add').click();
    await page.getByTestId('group-name').fill('Paris office');
    await page.getByTestId('group-name').press('Enter');
    const paris = page.locator('[data-testid="group-entry"][data-group-name="Paris office"]');
    await paris.waitFor();
    await dragOnto(page, row(page, 'Alpha desk'), paris);
    const groupId = await paris.getAttribute('data-group-id');
    await eventually(async () => {
      const details = await request(app.url).get(`/api/computers/${idOf('Alpha desk')}`).set(bearer(owner.accessToken)).expect(200);
      return (details.body as ComputerDetailsRow).groupId === groupId;
    }, 'Alpha desk in the Paris office group');
    await page.getByTestId('computers-group-by').selectOption('group');
    await waitForSections(page, ['Paris office', t('computers.groups.ungrouped')]);
    await waitForNames(page, ['Alpha desk', 'bravo laptop', 'Charlie server']);
    await page.getByTestId('group-select').filter({ hasText: 'Paris office' }).click();
    await waitForNames(page, ['Alpha desk']);
    await page.getByTestId('group-all').click();
    await waitForNames(page, ['Alpha desk', 'bravo laptop', 'Charlie server']);
    await page.screenshot({ path: path.join(screenshotDir, '2-grouped.png') });

    // Details view: the screenshot the agent uploaded.
    const image = await sharp({ create: { width: 64, height: 40, channels: 3, background: { r: 20, g: 110, b: 190 } } }).png().toBuffer();
    await request(app.url).post('/api/agent/screenshot').set(bearer(enrolled.get('bravo laptop')!.agentKey)).set('Content-Type', 'image/png').send(image).expect(204);
    // A new screenshot writes no event, so no live notice: the list learns of it at its next fetch
    // (the 30-second refresh for a user); a reload stands in for that wait.
    await page.reload();
    await waitForNames(page, ['Alpha desk', 'bravo laptop', 'Charlie server']);
    await page.getByTestId('computers-view-details').click();
    await row(page, 'bravo laptop').getByTestId('computer-screenshot').waitFor();
    await expect(row(page, 'bravo laptop').getByTestId('computer-screenshot').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).resolves.toBe(64);
    await page.screenshot({ path: path.join(screenshotDir, '3-details.png') });
    await page.getByTestId('computers-view-list').click();

    // The Add dialog's add-computer link, valid 48 hours.
    await page.getByTestId('computers-add').click();
    await page.getByTestId('add-link-create').click();
    await expect(page.getByTestId('add-link-url').inputValue()).resolves.toMatch(new RegExp(`^${app.url}/add-computer\\?link=`));
    const [before, after] = t('computers.add.linkExpires').split('{{date}}').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    await waitForText(page.getByTestId('add-link-expiry'), new RegExp(`^\\s*${before}\\S.*${after}\\s*$`));
    await page.screenshot({ path: path.join(screenshotDir, '4-add.png') });
    await page.getByTestId('modal-close').click();

    // Live: Charlie's agent goes away; its row turns Offline without a reload, long before the 30 s refresh.
    await page.getByTestId('computers-group-by').selectOption('status');
    await waitForSections(page, [t('computers.status.online')]);
    const mark = `not-reloaded-${Math.random()}`;
    await page.evaluate((value) => ((globalThis as unknown as { __mark: string }).__mark = value), mark);
    await agents.get('Charlie server')!.close();
    await waitForText(row(page, 'Charlie server').getByTestId('computer-status'), t('computers.status.offline'));
    await waitForSections(page, [t('computers.status.online'), t('computers.status.offline')]);
    await waitForNames(page, ['Alpha desk', 'bravo laptop', 'Charlie server']);
    await expect(page.evaluate(() => (globalThis as unknown as { __mark?: string }).__mark)).resolves.toBe(mark);
    await page.screenshot({ path: path.join(screenshotDir, '5-offline.png') });

    expect(current.unexpectedProblems()).toEqual([]);
  });
});
