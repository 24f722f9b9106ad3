import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../pwa/support/app-page.ts';
import { buildApp } from '../pwa/support/build-app.ts';
import { type AppServer, serveApp } from '../pwa/support/static-server.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { qrPng } from '../support/qr-image.ts';

const uri = 'otpauth://totp/Shared:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Shared';

/** Submits a multipart form to the share target, as the OS share sheet does for the installed app. */
function share(page: Page, fields: { text?: string; image?: Buffer }) {
  return page.evaluate(
    ([text, image]) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.enctype = 'multipart/form-data';
      form.action = 'share-target';
      if (text !== null) {
        const input = document.createElement('input');
        input.name = 'text';
        input.value = text;
        form.append(input);
      }
      if (image !== null) {
        const input = document.createElement('input');
        input.type = 'file';
        input.name = 'image';
        const files = new DataTransfer();
        const bytes = Uint8Array.from(atob(image), (c) => c.charCodeAt(0));
        files.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
        input.files = files.files;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    },
    [fields.text ?? null, fields.image?.toString('base64') ?? null] as const,
  );
}

describe.skipIf(!browserAvailable)('PWA: Web Share Target', { timeout: 120_000 }, () => {
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

  /** A page of the app under the control of its service worker, as the installed app is. */
  async function controlledPage() {
    const opened = await openContext(browser);
    await opened.page.goto(app.url);
    await opened.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 60_000,
    });
    return opened;
  }

  it('declares a share target for images and text inside the scope', async () => {
    const manifest = (await (await fetch(`${app.url}manifest.webmanifest`)).json()) as {
      scope: string;
      share_target: { action: string; method: string; enctype: string; params: unknown };
    };
    expect(manifest.share_target).toEqual({
      action: '/app/share-target',
      method: 'POST',
      enctype: 'multipart/form-data',
      params: { text: 'text', url: 'url', files: [{ name: 'image', accept: ['image/*'] }] },
    });
    expect(manifest.share_target.action.startsWith(manifest.scope)).toBe(true);
  });

  it('opens the add flow with a shared screenshot, answered by the service worker', async () => {
    const { context, page, errors } = await controlledPage();
    const answer = page.waitForResponse((r) => r.url().endsWith('/app/share-target'));
    await share(page, { image: await qrPng(uri) });
    const response = await answer;
    expect(response.fromServiceWorker()).toBe(true);
    expect(response.status()).toBe(303);
    await page
      .locator('account-preview')
      .getByText('ann@example.com')
      .first()
      .waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).hash).toBe('#/add');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens the add flow with a shared otpauth link', async () => {
    const { context, page, errors } = await controlledPage();
    await share(page, { text: uri });
    await page
      .locator('account-preview')
      .getByText('ann@example.com')
      .first()
      .waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says shared text that is not a key was not opened', async () => {
    const { context, page } = await controlledPage();
    await share(page, { text: 'https://example.com/phishing' });
    // The share's own alert, by its code: in a browser without a camera the add page may also
    // announce that no camera was found, beside it.
    const alert = page.locator('add-page [role="alert"][data-code="NOT_A_KEY"]');
    await expect
      .poll(() => alert.textContent(), { timeout: 30_000 })
      .toContain('The shared text is not an authenticator key');
    await context.close();
  });
});
