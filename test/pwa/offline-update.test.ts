import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { confirmAdd, openContext, shownCodes } from './support/app-page.ts';
import { buildApp } from './support/build-app.ts';
import { type AppServer, serveApp } from './support/static-server.ts';

const uri = 'otpauth://totp/ACME:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME';

/** Waits until the service worker is active (its install, i.e. the precache, has finished). */
async function serviceWorkerReady(page: Page): Promise<void> {
  const ready = await Promise.race([
    page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      return 'ready';
    }),
    new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 20_000)),
  ]);
  if (ready === 'ready') return;
  const registrations = await page.evaluate(async () =>
    (await navigator.serviceWorker.getRegistrations()).map((r) => [
      r.active?.state,
      r.installing?.state,
      r.waiting?.state,
    ]),
  );
  throw new Error(
    `service worker not ready after 20 s; registrations: ${JSON.stringify(registrations)}`,
  );
}

describe.skipIf(!browserAvailable)('PWA: offline and updates', { timeout: 90_000 }, () => {
  let browser: Browser;
  let app: AppServer;
  let dist: string;

  beforeAll(async () => {
    dist = await buildApp();
    app = await serveApp(dist);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('starts and shows codes with the network off after the first visit', async () => {
    const { context, page, errors } = await openContext(browser);
    const T = Date.UTC(2032, 1, 3, 4, 5, 6);
    await context.clock.install({ time: T - 1000 });
    await context.clock.pauseAt(T);
    await page.goto(`${app.url}#/add?uri=${encodeURIComponent(uri)}`);
    await confirmAdd(page);
    await serviceWorkerReady(page);
    await context.setOffline(true);
    await page.reload();
    expect(await shownCodes(page)).toEqual([generateCode(parseKeyUri(uri), T)]);
    // Lazily loaded screens come from the precache too.
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.locator('settings-page h2').first().textContent()).toBe('Vault');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks before updating when a new version waits, and reloads only on Reload', async () => {
    const { context, page, errors } = await openContext(browser);
    await page.goto(app.url);
    await serviceWorkerReady(page);
    const original = await readFile(join(dist, 'sw.js'), 'utf8');
    app.override('sw.js', `${original}\n// next version`);
    try {
      // The navigation makes the browser check sw.js; the changed one installs and waits.
      await page.reload();
      const prompt = page.locator('update-prompt [role="alert"]');
      await prompt.waitFor({ timeout: 20_000 });
      expect(await prompt.textContent()).toContain('A new version is ready');
      await page.evaluate(() => {
        (window as unknown as { stillHere: boolean }).stillHere = true;
      });
      // Given time, the app must not reload (or swap workers) on its own.
      await page.waitForTimeout(1500);
      expect(
        await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere),
      ).toBe(true);
      await Promise.all([
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Reload' }).click(),
      ]);
      expect(
        await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere),
      ).toBeUndefined();
      await page.locator('codes-page').waitFor();
      expect(await page.locator('update-prompt [role="alert"]').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      app.override('sw.js', null);
      await context.close();
    }
  });
});
