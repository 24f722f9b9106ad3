import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualAuthenticator } from '../../sdk/testing/index.ts';
import { passwordStep } from '../e2e/support/bms-user.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { type BmsServer, PASSWORD, startBmsServer } from './support/bms-server.ts';
import { buildBms } from './support/build-bms.ts';
import { signIn } from './support/people.ts';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)('BMS enrolment as people meet it', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: BmsServer;

  beforeAll(async () => {
    server = await startBmsServer({ assetsDir: await buildBms() });
    await server.addUser({ username: 'admin', role: 'admin' });
    for (const u of ['hana', 'ivo', 'jun']) await server.addUser({ username: u });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function fresh(width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.origin,
    });
    return context.newPage();
  }

  it('on a desktop: the company as issuer, no "Add to this phone", the manual key with what to type and Copy', async () => {
    const page = await fresh(1280);
    await signIn(page, server.origin, 'hana');
    await page.getByRole('button', { name: 'Enable MFA' }).click();
    const qr = page.locator('mfa-enroll img[part="qr"]');
    await qr.waitFor();
    const phone = createVirtualAuthenticator({ now: () => server.clock.now() });
    // The company's name (COMPANY_NAME; no MFA_ISSUER set), not the product's.
    const account = phone.addFromQrPng(await qr.screenshot());
    expect(account.issuer).toBe('Acme BMS');
    expect(await page.getByRole('link', { name: 'Add to this phone' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Show secret key for manual configuration' }).click();
    expect(await text(page, 'mfa-enroll [part="secret-account"]')).toBe('hana');
    expect(await text(page, 'mfa-enroll [part="secret-issuer"]')).toBe('Acme BMS');
    await page.getByRole('button', { name: 'Copy key' }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe(account.secret);

    // After Enable the recovery codes stand alone: no set-up heading or Cancel, status Enabled.
    await page.locator('mfa-enroll input').fill(phone.code());
    await page.locator('mfa-enroll button[part="button"]').click();
    await page.locator('mfa-enroll [part="code"]').first().waitFor();
    await expect.poll(() => text(page, '#enroll-h')).toBe('Save your recovery codes');
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    await expect.poll(() => text(page, '#mfa-status .badge')).toBe('Enabled');
  });

  it('on a phone: "Add to this phone" styled as the product\'s button, and the key breaks between groups only', async () => {
    const page = await fresh(360);
    await signIn(page, server.origin, 'ivo');
    await page.getByRole('button', { name: 'Enable MFA' }).click();
    const link = page.getByRole('link', { name: 'Add to this phone' });
    await link.waitFor();
    const look = await link.evaluate((a) => {
      const s = getComputedStyle(a);
      const enable =
        a.getRootNode() instanceof ShadowRoot
          ? (a.getRootNode() as ShadowRoot).querySelector('button.primary')
          : null;
      return {
        color: s.color,
        accent: enable ? getComputedStyle(enable).backgroundColor : '',
        decoration: s.textDecorationLine,
        border: s.borderTopWidth,
      };
    });
    // The page's accent (as on Enable) in an outlined button, not the browser's default blue link.
    expect(look).toMatchObject({ decoration: 'none', border: '2px' });
    expect(look.color).toBe(look.accent);
    expect(look.color).not.toBe('rgb(0, 0, 238)');

    await page.getByRole('button', { name: 'Show secret key for manual configuration' }).click();
    const lines = await page
      .locator('mfa-enroll [part="secret"] .group')
      .evaluateAll((groups) => groups.map((g) => g.getClientRects().length));
    expect(lines.length).toBeGreaterThan(4);
    expect(lines.every((n) => n === 1)).toBe(true);
  });

  it('says the forced set-up once, and gives way to the recovery codes after Enable', async () => {
    const admin = server.client();
    await admin.login({ username: 'admin', password: PASSWORD });
    await admin.setPolicy({ requireMfaForNonSsoUsers: true });
    const page = await fresh(360);
    expect(await passwordStep(page, server.origin, 'jun')).toBe('Set up MFA to continue');
    await page.locator('mfa-enroll img[part="qr"]').waitFor();
    // The steps are the element's alone: the page's notice says only why.
    const pageText = await text(page, '#login-step');
    expect(pageText).not.toMatch(/scan|type the code/i);
    expect(await text(page, 'mfa-enroll ol')).toMatch(/Scan this QR code/);

    const phone = createVirtualAuthenticator({ now: () => server.clock.now() });
    phone.addFromQrPng(await page.locator('mfa-enroll img[part="qr"]').screenshot());
    await page.locator('mfa-enroll input').fill(phone.code());
    await page.locator('mfa-enroll button[part="button"]').click();
    await page.locator('mfa-enroll [part="code"]').first().waitFor();
    await expect
      .poll(() => text(page, '#login-step h2'))
      .toBe('MFA is on: save your recovery codes');
    expect(await page.locator('#login-step .notice').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Back to sign in' }).count()).toBe(0);
    await admin.setPolicy({ requireMfaForNonSsoUsers: false });
  });
});
