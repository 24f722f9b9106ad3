import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, chromiumArgs } from '../support/browser.ts';
import { findChromium } from '../support/environment.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { openContext } from './support/app-page.ts';

describe.skipIf(!browserAvailable)(
  'PWA: keeping storage, and saying what the browser answered',
  { timeout: 90_000 },
  () => {
    const env = useAppBrowser();

    it('says clearly that the browser refused to keep storage, with the way to a backup', async () => {
      const { context, page, errors } = await openContext(env.browser);
      await page.goto(`${env.app.url}#/settings`);
      const answer = page.locator('[data-testid="storage-answer"]');
      await answer.waitFor();
      // A fresh profile here is never kept (Chromium decides from site engagement).
      expect(await page.evaluate(() => navigator.storage.persisted())).toBe(false);
      const before = await answer.textContent();
      await page.getByRole('button', { name: 'Keep my accounts stored' }).click();
      await expect.poll(() => answer.textContent()).not.toBe(before);
      const text = (await answer.textContent()) ?? '';
      expect(text).toMatch(/^The browser said no\./);
      expect(text).toMatch(/decides by itself/);
      expect(text).toMatch(/make a backup/);
      // Focus is on the answer, so it is seen and read out.
      expect(await answer.evaluate((el) => el.matches(':focus'))).toBe(true);
      expect(
        await page.locator('settings-page').getByRole('link', { name: 'Make a backup' }).count(),
      ).toBe(1);
      expect(await page.getByRole('button', { name: 'Ask again' }).count()).toBe(1);
      expect(errors).toEqual([]);
      await context.close();
    });

    it('says when the browser agreed to keep storage, and the button goes', async () => {
      // Chromium keeps storage only in a real (not incognito) profile, once the site has the
      // durable-storage permission, which is what installing or bookmarking gives it.
      const dir = mkdtempSync(join(tmpdir(), 'pwa-persist-'));
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: findChromium() ?? '',
        headless: true,
        args: chromiumArgs,
        viewport: { width: 360, height: 740 },
      });
      try {
        const page = await context.newPage();
        await page.goto(`${env.app.url}#/settings`);
        const answer = page.locator('[data-testid="storage-answer"]');
        const ask = page.getByRole('button', { name: 'Keep my accounts stored' });
        await ask.waitFor();
        // Granted now, as installing the app would: persist() then says yes.
        const cdp = await context.newCDPSession(page);
        await cdp.send('Browser.grantPermissions', {
          permissions: ['durableStorage'],
          origin: new URL(env.app.url).origin,
        });
        await ask.click();
        await expect.poll(() => answer.textContent()).toMatch(/^Done\. Storage is kept/);
        expect(await answer.evaluate((el) => el.matches(':focus'))).toBe(true);
        const asks = page.getByRole('button', { name: /Keep my accounts stored|Ask again/ });
        expect(await asks.count()).toBe(0);
      } finally {
        await context.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
