// The whole loop in Chromium, with admin, user and phone each in a browser context of their own,
// against the real server (API, BMS pages, PWA build) on a socket.
//
// Time: the server runs on a hand-moved clock; the phone's context has its `Date` fixed by
// Playwright's clock at the same instant. "The next code" is had honestly: both clocks move 30 s together and
// the test reads the code the PWA then shows (the server refuses a second code of one step).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BmsServer, startBmsServer } from '../pages/support/bms-server.ts';
import { buildBms } from '../pages/support/build-bms.ts';
import { enrolViaApi, listingRows, signIn } from '../pages/support/people.ts';
import { buildApp } from '../pwa/support/build-app.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { writeQrY4m } from '../support/qr-video.ts';
import {
  answerChallenge,
  enableWith,
  logOut,
  passwordStep,
  savedCodes,
} from './support/bms-user.ts';
import { confirmAdd, openPhone, type Phone } from './support/phone.ts';

const STEP = 30_000;

describe.skipIf(!browserAvailable)('scan and login, end to end', { timeout: 120_000 }, () => {
  let browser: Browser;
  let server: BmsServer;
  let admin: Page;
  let dir: string;
  const contexts: BrowserContext[] = [];
  const browsers: Browser[] = [];

  beforeAll(async () => {
    const [pwaDir, assetsDir] = await Promise.all([buildApp(), buildBms()]);
    server = await startBmsServer({ assetsDir, pwaDir });
    dir = mkdtempSync(join(tmpdir(), 'bms-e2e-'));
    await server.addUser({ username: 'admin', name: 'Ada Admin', role: 'admin' });
    for (const username of ['tess', 'vic', 'pam'])
      await server.addUser({
        username,
        name: `${username[0]!.toUpperCase()}${username.slice(1)} User`,
      });
    for (const username of ['cara', 'cole', 'dina']) {
      await server.addUser({
        username,
        name: `${username[0]!.toUpperCase()}${username.slice(1)} Contact`,
        kind: 'contact',
      });
      await enrolViaApi(server, username);
    }
    browser = await launchChromium();
    admin = await newPage(browser, 1280);
    await signIn(admin, server.origin, 'admin');
  });
  afterAll(async () => {
    for (const b of [...browsers, browser]) await b?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function newPage(b: Browser, width: number): Promise<Page> {
    const context = await b.newContext({ viewport: { width, height: 900 } });
    contexts.push(context);
    return context.newPage();
  }

  /** Both clocks move to the next time step; the phone's list rolls over. */
  async function nextStep(phone: Phone) {
    const before = await phone.code();
    server.clock.advance(STEP);
    await phone.advance(STEP);
    await expect.poll(() => phone.code()).not.toBe(before);
  }

  it('admin requires MFA; the user scans the QR image with the PWA, enables, logs in with the next code and a recovery code; reset; batch disable', async () => {
    // Admin > My Company > Auth and Provision: the switch.
    await admin.goto(`${server.origin}/admin/auth`);
    const toggle = admin.getByRole('switch', { name: 'Require MFA for non-SSO users' });
    expect(await toggle.isChecked()).toBe(false);
    // Turning it on asks first (not checked until confirmed).
    await toggle.click({ force: true });
    await admin.getByRole('dialog').getByRole('button', { name: 'Require MFA' }).click();
    await expect
      .poll(() => admin.locator('#policy-status').textContent())
      .toContain('MFA is now required');
    expect(await admin.locator('#admin-must-set-up').isVisible()).toBe(true);

    // The user logs in and is sent to set-up.
    const user = await newPage(browser, 1280);
    expect(await passwordStep(user, server.origin, 'tess')).toBe('Set up MFA to continue');
    const qr = user.locator('mfa-enroll img[part="qr"]');
    await qr.waitFor();
    const png = await qr.screenshot();

    // The phone: the PWA's "QR image" tab gets the picture.
    const phone = await openPhone(browser, server.clock.now());
    contexts.push(phone.context);
    await phone.page.goto(`${server.origin}/app/#/add?tab=image`);
    await phone.page
      .locator('qr-image-input input[type="file"]')
      .setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: png });
    await expect
      .poll(() => phone.page.locator('account-preview li').first().textContent())
      .toContain('tess');
    await confirmAdd(phone.page);
    const first = await phone.code();
    expect(first).toMatch(/^\d{6}$/);

    // The user types the phone's code and receives recovery codes.
    const recoveryCodes = await enableWith(user, first);
    expect(recoveryCodes).toHaveLength(10);
    await savedCodes(user, server.origin);
    expect(await user.locator('#flash').textContent()).toContain('MFA is on');
    await user.locator('#mfa-status .badge').waitFor();
    expect(await user.locator('#mfa-status .badge').textContent()).toBe('Enabled');
    await logOut(user, server.origin);

    // The same step's code again would be a replay: the next login uses the phone's next code.
    expect(await passwordStep(user, server.origin, 'tess')).toBe('Enter your MFA code');
    await answerChallenge(user, first);
    await expect
      .poll(() => user.locator('mfa-challenge [part="error"]').textContent())
      .toContain('This code was already used');
    await nextStep(phone);
    const second = await phone.code();
    await answerChallenge(user, second);
    await user.waitForURL(`${server.origin}/profile`);
    await logOut(user, server.origin);

    // A recovery code works once...
    const recovery = recoveryCodes[3]!;
    await passwordStep(user, server.origin, 'tess');
    await answerChallenge(user, recovery);
    await expect
      .poll(() => user.locator('#login-step h2').textContent())
      .toBe('You signed in with a recovery code');
    const notice = (await user.locator('#login-step').textContent())?.replace(/\s+/g, ' ');
    expect(notice).toContain('You have 9 left');
    await user.getByRole('link', { name: 'Continue' }).click();
    await user.waitForURL(`${server.origin}/profile`);
    await logOut(user, server.origin);
    // ...and is refused the second time.
    await passwordStep(user, server.origin, 'tess');
    await answerChallenge(user, recovery);
    await expect
      .poll(() => user.locator('mfa-challenge [part="error"]').textContent())
      .toContain('This recovery code was already used');
    expect(new URL(user.url()).pathname).toBe('/login');

    // The admin resets the user (HR > Employees), who must set up again at the next login.
    await admin.goto(`${server.origin}/admin/employees?q=tess`);
    await admin.locator('table.listing[aria-busy="false"]').waitFor();
    expect((await listingRows(admin))[0]?.mfa).toBe('Enabled');
    await admin.getByRole('button', { name: 'Reset MFA for Tess User' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Reset MFA' }).click();
    await expect.poll(async () => (await listingRows(admin))[0]?.mfa).toBe('Disabled');
    await user.goto(`${server.origin}/login`);
    expect(await passwordStep(user, server.origin, 'tess')).toBe('Set up MFA to continue');
    await user.locator('mfa-enroll img[part="qr"]').waitFor();

    // The admin batch-disables two contacts (CRM > Contacts); the listing shows them disabled.
    await admin.goto(`${server.origin}/admin/contacts`);
    await admin.locator('table.listing[aria-busy="false"]').waitFor();
    await admin.getByRole('checkbox', { name: 'Select Cara Contact' }).check();
    await admin.getByRole('checkbox', { name: 'Select Cole Contact' }).check();
    await admin.getByRole('button', { name: 'Disable MFA', exact: true }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Disable MFA' }).click();
    await admin.locator('#batch-result').waitFor();
    expect(await admin.locator('#batch-result [data-outcome="disabled"]').count()).toBe(2);
    await expect
      .poll(async () => Object.fromEntries((await listingRows(admin)).map((r) => [r.name, r.mfa])))
      .toEqual({
        'Cara Contact': 'Disabled',
        'Cole Contact': 'Disabled',
        'Dina Contact': 'Enabled',
      });
    expect(phone.errors).toEqual([]);
  });

  it('the PWA camera reads the QR from a fake video made of the page screenshot', async () => {
    const user = await newPage(browser, 1280);
    expect(await passwordStep(user, server.origin, 'vic')).toBe('Set up MFA to continue');
    const qr = user.locator('mfa-enroll img[part="qr"]');
    await qr.waitFor();
    const video = join(dir, 'qr.y4m');
    await writeQrY4m(await qr.screenshot(), video);
    const camera = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    browsers.push(camera);
    const phone = await openPhone(camera, server.clock.now(), { permissions: ['camera'] });
    await phone.page.goto(`${server.origin}/app/#/add?tab=scan`);
    await phone.page.locator('account-preview').waitFor({ timeout: 30_000 });
    expect(await phone.page.locator('account-preview li').first().textContent()).toContain('vic');
    await confirmAdd(phone.page);
    const first = await phone.code();
    expect(await enableWith(user, first)).toHaveLength(10);
    await savedCodes(user, server.origin);
    await logOut(user, server.origin);
    await nextStep(phone);
    expect(await passwordStep(user, server.origin, 'vic')).toBe('Enter your MFA code');
    await answerChallenge(user, await phone.code());
    await user.waitForURL(`${server.origin}/profile`);
    expect(phone.errors).toEqual([]);
  });

  it('on one phone, "Add to this phone" opens the PWA add screen with the key filled in', async () => {
    const phone = await openPhone(browser, server.clock.now());
    contexts.push(phone.context);
    const bms = phone.page;
    expect(await passwordStep(bms, server.origin, 'pam')).toBe('Set up MFA to continue');
    const [pwa] = await Promise.all([
      phone.context.waitForEvent('page'),
      bms.locator('mfa-enroll a[part="add-link"]').click(),
    ]);
    await pwa.waitForURL(/\/app\/#\/add\?uri=otpauth/);
    await pwa.locator('account-preview').waitFor();
    expect(await pwa.locator('account-preview li').first().textContent()).toContain('pam');
    await confirmAdd(pwa);
    const code = await pwa
      .locator('account-card .code[data-code]')
      .first()
      .getAttribute('data-code');
    await bms.bringToFront();
    expect(await enableWith(bms, code ?? '')).toHaveLength(10);
    await savedCodes(bms, server.origin);
    expect(await bms.locator('#mfa-status .badge').textContent()).toBe('Enabled');
  });
});
