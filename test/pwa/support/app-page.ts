import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * A fresh browser context (own storage, own service worker) and page, 360 px wide like a phone.
 * `errors` collects uncaught page errors; tests expect it to stay empty.
 */
export async function openContext(
  browser: Browser,
  options: { permissions?: string[] } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

/** The codes the list shows, top to bottom (read from the `data-code` of each card's button). */
export async function shownCodes(page: Page): Promise<string[]> {
  await page.locator('account-card .code[data-code]').first().waitFor();
  return page
    .locator('account-card .code[data-code]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-code') ?? ''));
}

/** The account names of the cards, top to bottom. */
export function shownNames(page: Page): Promise<string[]> {
  return page
    .locator('account-card article')
    .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
}

/**
 * Everything the origin's IndexedDB holds, as one string: every database, store and record, with
 * binary values spelled out byte for byte (latin1), so a secret stored in clear in any encoding
 * that keeps its ASCII would be found by a substring search.
 */
export function dumpIndexedDb(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const out: string[] = [];
    const text = (value: unknown): string =>
      JSON.stringify(value, (_k, v: unknown) => {
        if (v instanceof ArrayBuffer) return String.fromCharCode(...new Uint8Array(v));
        if (ArrayBuffer.isView(v))
          return String.fromCharCode(...new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        if (typeof CryptoKey !== 'undefined' && v instanceof CryptoKey)
          return `[CryptoKey extractable=${v.extractable}]`;
        return v;
      });
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name ?? '');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        out.push(`${info.name}/${store}: ${all.map(text).join('\n')}`);
      }
      db.close();
    }
    return out.join('\n');
  });
}

/** How many account records the vault holds (readable or not). */
export function vaultRecordCount(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('mfa-companion-vault');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    if (!db.objectStoreNames.contains('accounts')) {
      db.close();
      return 0;
    }
    const count = await new Promise<number>((resolve) => {
      const req = db.transaction('accounts').objectStore('accounts').count();
      req.onsuccess = () => resolve(req.result);
    });
    db.close();
    return count;
  });
}

/** Opens the add screen on the given tab. */
export async function openAddTab(
  page: Page,
  appUrl: string,
  tab: 'manual' | 'paste' | 'image' | 'scan',
): Promise<void> {
  await page.goto(`${appUrl}#/add?tab=${tab}`);
  await page.locator('add-page [role="tabpanel"]').waitFor();
}

/** Pastes text into the add screen's link box and continues. */
export async function pasteKey(page: Page, appUrl: string, text: string): Promise<void> {
  await openAddTab(page, appUrl, 'paste');
  await page.getByLabel('Key link').fill(text);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** Confirms the preview step and waits for the list. */
export async function confirmAdd(page: Page): Promise<void> {
  await page.locator('account-preview button.primary').click();
  await page.locator('codes-page').waitFor();
}

/**
 * Lets every toast go under an installed (paused) page clock: the "accounts added" one, then the
 * "ready for offline use" one that waits behind it once the service worker has taken the page.
 * Each run of 7 s is one toast's time; codes stay those of the same time step only if the test
 * started far enough from a boundary.
 */
export async function letToastsGo(page: Page): Promise<void> {
  const toasts = page.locator('toast-host .toast');
  await expect
    .poll(
      async () => {
        if ((await toasts.count()) > 0) await page.context().clock.runFor(7000);
        const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
        return controlled && (await toasts.count()) === 0;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}
