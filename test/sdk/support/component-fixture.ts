import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Config } from '../../../server/config/config.ts';
import { launchChromium } from '../../support/browser.ts';
import { type Harness, startHarness } from './harness-server.ts';
import { PASSWORD, startTestServer, type TestServer } from './test-server.ts';

/** What a component test stands on: the real server, the harness page, and Chromium. */
export interface ComponentFixture {
  server: TestServer;
  harness: Harness;
  /** A fresh browser context (own cookies) with the harness page loaded. */
  openPage(options?: { fakeClock?: boolean }): Promise<{ page: Page; context: BrowserContext }>;
  close(): Promise<void>;
}

/**
 * Starts the real server, the harness (page and API on one origin) and Chromium.
 *
 * @example const fixture = await startComponentFixture({ limits: { mfaMaxFailures: 3 } });
 */
export async function startComponentFixture(
  overrides: { limits?: Partial<Config['limits']> } = {},
): Promise<ComponentFixture> {
  const server = await startTestServer(overrides);
  const harness = await startHarness(server.app);
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await harness.close();
    throw error;
  }
  return {
    server,
    harness,
    async openPage({ fakeClock = false } = {}) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('page error:', error.message));
      if (fakeClock) await page.clock.install();
      await page.goto(harness.pageUrl);
      await page.waitForFunction(() => window.sdkHarness !== undefined);
      return { page, context };
    },
    async close() {
      await browser.close();
      await harness.close();
      await server.close();
    },
  };
}

/** Runs the password step in the page (browser cookies), returning the step's answer. */
export async function loginInPage(page: Page, username: string, password = PASSWORD) {
  return page.evaluate(
    ([u, p]) => window.sdkHarness.client.login({ username: u!, password: p! }),
    [username, password],
  );
}

/** Mounts markup on the harness stage and clears the recorded events. */
export async function mount(page: Page, markup: string): Promise<void> {
  await page.evaluate((m) => window.sdkHarness.mount(m), markup);
}

/** The events the page has recorded so far. */
export async function recordedEvents(page: Page): Promise<{ type: string; detail: unknown }[]> {
  return page.evaluate(() => structuredClone(window.sdkHarness.events));
}
