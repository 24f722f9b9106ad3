import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../pwa/support/app-page.ts';
import { buildApp } from '../pwa/support/build-app.ts';
import { type AppServer, serveApp } from '../pwa/support/static-server.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { photoQrPng } from './photo-qr.ts';

const uri = 'otpauth://totp/Offline:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Offline';

describe.skipIf(!browserAvailable)('PWA: the QR decoder offline', { timeout: 120_000 }, () => {
  let app: AppServer;
  let browser: Browser;
  beforeAll(async () => {
    app = await serveApp(await buildApp());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('reads a photo of a QR with the network off, the worker and wasm from the precache', async () => {
    const { context, page, errors } = await openContext(browser);
    await page.goto(app.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 60_000,
    });
    // Wait for the precache to be complete (the toast says so), then cut the network.
    await page.getByText('The app is ready for offline use.').waitFor({ timeout: 60_000 });
    await context.setOffline(true);
    const fromWorker: string[] = [];
    page.on('response', (r) => {
      if (/qr-worker-|\.wasm$/.test(r.url()) && r.fromServiceWorker()) fromWorker.push(r.url());
    });
    await page.goto(`${app.url}#/add?tab=image`);
    await page.locator('qr-image-input input[type="file"]').setInputFiles({
      name: 'photo.png',
      mimeType: 'image/png',
      buffer: photoQrPng(uri).png,
    });
    await page.locator('account-preview').getByText('ann@example.com').first().waitFor();
    expect(fromWorker.some((url) => url.endsWith('.wasm'))).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
