import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MfaApiError } from '../../sdk/client/index.ts';
import { createVirtualAuthenticator } from '../../sdk/testing/index.ts';
import { answerChallenge, passwordStep } from '../e2e/support/bms-user.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { type BmsServer, PASSWORD, startBmsServer } from './support/bms-server.ts';
import { buildBms } from './support/build-bms.ts';
import { enrolViaApi, signIn, submitPassword } from './support/people.ts';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)('BMS login and My Profile', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: BmsServer;

  beforeAll(async () => {
    server = await startBmsServer({
      assetsDir: await buildBms(),
      limits: { passwordMaxFailures: 3, mfaMaxFailures: 3 },
    });
    await server.addUser({ username: 'admin', name: 'Ada Admin', role: 'admin' });
    for (const u of ['wanda', 'lee', 'max', 'exp', 'pia', 'rey', 'nia', 'gus']) {
      await server.addUser({ username: u, name: `${u} person` });
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function fresh(width = 360): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    return context.newPage();
  }

  it('shows when MFA was enabled in the format of the person’s own languages', async () => {
    const { phone } = await enrolViaApi(server, 'gus');
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    // A browser in English whose person prefers German: the date follows navigator.languages.
    await context.addInitScript(() =>
      Object.defineProperty(navigator, 'languages', { get: () => ['de-DE', 'en'] }),
    );
    const page = await context.newPage();
    await passwordStep(page, server.origin, 'gus');
    server.clock.advance(30_000);
    await answerChallenge(page, phone.code());
    await page.waitForURL(`${server.origin}/profile`);
    // German order and separators: 04.12.2026, 09:10:05 rather than 12/4/2026, 9:10:05 AM.
    expect(await text(page, '#mfa-enabled-on')).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}$/);
    await context.close();
  });

  it('serves shells with a strict CSP and no inline script, and sends visitors to the login', async () => {
    const res = await fetch(`${server.origin}/login`);
    const html = await res.text();
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const page = await fresh();
    await page.goto(`${server.origin}/admin/auth`);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(
      '/login?next=%2Fadmin%2Fauth',
    );
  });

  it.each(['%09', '%0a', '%0d'])(
    'ends a real sign-in from /login?next=/%s/evil.example/ on this server',
    async (control) => {
      const page = await fresh();
      // Browsers drop the control character, which would turn the path into `//evil.example/`.
      await page.goto(`${server.origin}/login?next=/${control}/evil.example/`);
      await submitPassword(page, server.origin, 'nia');
      await page.waitForURL((url) => url.pathname === '/profile');
      expect(new URL(page.url()).origin).toBe(server.origin);
      await page.close();
    },
  );

  it('says wrong username or password, then that the account is locked with the time to wait', async () => {
    const page = await fresh();
    for (let i = 0; i < 3; i++) {
      await submitPassword(page, server.origin, 'wanda', 'not it');
      await expect.poll(() => text(page, '#login-error')).toBe('Wrong username or password.');
      await page.locator('#login-error').evaluate((el) => {
        el.textContent = '';
      });
    }
    await submitPassword(page, server.origin, 'wanda', PASSWORD);
    await expect
      .poll(() => text(page, '#login-error'))
      .toMatch(/locked for now\. Try again in 1[45]:\d\d\./);
  });

  it('says a code is wrong, and locks code entry after too many with a countdown', async () => {
    await enrolViaApi(server, 'lee');
    const page = await fresh();
    expect(await passwordStep(page, server.origin, 'lee')).toBe('Enter your MFA code');
    await answerChallenge(page, '000000');
    await expect.poll(() => text(page, 'mfa-challenge [part="error"]')).toContain('not right');
    await answerChallenge(page, '000001');
    await answerChallenge(page, '000002');
    await expect
      .poll(() => text(page, 'mfa-challenge [part="countdown"]'))
      .toMatch(/Try again in \d+:\d\d/);
  });

  it('says the sign-in expired after five minutes and offers to sign in again', async () => {
    const { phone } = await enrolViaApi(server, 'exp');
    const page = await fresh();
    await passwordStep(page, server.origin, 'exp');
    server.clock.advance(5 * 60_000 + 1000);
    await answerChallenge(page, phone.code());
    await expect.poll(() => text(page, 'mfa-challenge [part="error"]')).toContain('expired');
    await page.getByRole('button', { name: 'Sign in again' }).click();
    expect(await page.getByLabel('Username').inputValue()).toBe('exp');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await answerChallenge(page, phone.nextCode());
    await page.waitForURL(`${server.origin}/profile`);
  });

  it('enables MFA from My Profile, says other sessions ended, and they did', async () => {
    const other = server.client();
    await other.login({ username: 'pia', password: PASSWORD });
    const page = await fresh(1280);
    await signIn(page, server.origin, 'pia');
    expect(await text(page, '#mfa-status .badge')).toBe('Disabled');
    await page.getByRole('button', { name: 'Enable MFA' }).click();
    const phone = createVirtualAuthenticator({ now: () => server.clock.now() });
    phone.addFromQrPng(await page.locator('mfa-enroll img[part="qr"]').screenshot());
    await page.locator('mfa-enroll input').fill(phone.code());
    await page.locator('mfa-enroll button[part="button"]').click();
    await page.locator('mfa-enroll [part="code"]').first().waitFor();
    expect(await text(page, '#flash')).toBe(
      'MFA is on. Your other sessions were ended: sign in again on your other devices.',
    );
    await page.locator('mfa-enroll').getByRole('button', { name: 'I have saved them' }).click();
    await expect.poll(() => text(page, '#mfa-status .badge')).toBe('Enabled');
    await expect(other.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('regenerates recovery codes after a current code; the old ones stop working', async () => {
    const { phone, recoveryCodes } = await enrolViaApi(server, 'rey');
    const page = await fresh();
    await passwordStep(page, server.origin, 'rey');
    server.clock.advance(30_000);
    await answerChallenge(page, phone.code());
    await page.waitForURL(`${server.origin}/profile`);
    await page.locator('#mfa-status').waitFor();
    await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
    await page.getByLabel('Current MFA code').fill('123456');
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await expect.poll(() => text(page, '#regenerate-error')).toContain('not right');
    server.clock.advance(30_000);
    await page.getByLabel('Current MFA code').fill(phone.code());
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    const fresh10 = page.locator('mfa-recovery-codes [part="code"]');
    await fresh10.first().waitFor();
    const codes = await fresh10.allTextContents();
    expect(codes).toHaveLength(10);
    expect(codes).not.toContain(recoveryCodes[0]);
    expect(await text(page, '#flash')).toContain('the old ones no longer work');
    const step = await server.client().login({ username: 'rey', password: PASSWORD });
    if (step.status !== 'mfa_required') throw new Error(step.status);
    const client = server.client();
    await expect(
      client.loginMfa({ challengeId: step.challengeId, code: recoveryCodes[0]! }),
    ).rejects.toBeInstanceOf(MfaApiError);
  });

  it('disables MFA with a code when allowed; refuses when the policy requires it', async () => {
    const { phone } = await enrolViaApi(server, 'max');
    const adminPage = await fresh(1280);
    await submitPassword(adminPage, server.origin, 'admin');
    await adminPage.waitForURL(`${server.origin}/profile`);
    const page = await fresh();
    await passwordStep(page, server.origin, 'max');
    server.clock.advance(30_000);
    await answerChallenge(page, phone.code());
    await page.waitForURL(`${server.origin}/profile`);
    await page.locator('#mfa-status').waitFor();

    // The admin turns the policy on while max's page is open: the server's refusal is shown.
    await adminPage.goto(`${server.origin}/admin/auth`);
    const toggle = adminPage.getByRole('switch', { name: 'Require MFA for non-SSO users' });
    // Turning it on asks first (not checked until confirmed).
    await toggle.click({ force: true });
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Require MFA' }).click();
    await expect
      .poll(() => text(adminPage, '#policy-status'))
      .toBe('Saved: MFA is now required for everyone who signs in with a password.');
    expect(await text(adminPage, '#admin-must-set-up')).toContain(
      'You have not set up MFA yourself',
    );
    await page.getByRole('button', { name: 'Disable MFA' }).click();
    server.clock.advance(30_000);
    await page.getByLabel('Current MFA code').fill(phone.code());
    await page.getByRole('button', { name: 'Disable MFA' }).click();
    await expect
      .poll(() => text(page, '#disable-error'))
      .toBe('Your company requires MFA for password sign-ins, so it cannot be disabled.');
    // Reloaded, the page says so up front and offers no Disable button.
    await page.reload();
    await page.locator('#policy-note').waitFor();
    expect(await page.getByRole('button', { name: 'Disable MFA' }).count()).toBe(0);

    // Policy off again (the admin's own session survived the change): now Disable works.
    await adminPage.reload();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await toggle.uncheck({ force: true });
    await expect.poll(() => text(adminPage, '#policy-status')).toBe('Saved: MFA is now optional.');
    await page.reload();
    await page.getByRole('button', { name: 'Disable MFA' }).click();
    server.clock.advance(30_000);
    await page.getByLabel('Current MFA code').fill(phone.code());
    await page.getByRole('button', { name: 'Disable MFA' }).click();
    await expect.poll(() => text(page, '#mfa-status .badge')).toBe('Disabled');
    expect(await text(page, '#flash')).toBe(
      'MFA is off. Your other sessions were ended: sign in again on your other devices.',
    );
    const next = await server.client().login({ username: 'max', password: PASSWORD });
    expect(next.status).toBe('authenticated');
  });
});
