// Erin's SSO sign-in in Chromium against the real server, through the built-in test IdP: with
// the policy on she is not asked for a code, enables MFA once from My Profile, signs in through
// SSO again without a code, and the admin's listing shows "SAML SSO" and "MFA Enabled".
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualAuthenticator } from '../../sdk/testing/index.ts';
import { type BmsServer, startBmsServer } from '../pages/support/bms-server.ts';
import { buildBms } from '../pages/support/build-bms.ts';
import { listingRows, signIn } from '../pages/support/people.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { logOut } from './support/bms-user.ts';

describe.skipIf(!browserAvailable)(
  'SSO sign-in through the test IdP, end to end',
  { timeout: 120_000 },
  () => {
    let browser: Browser;
    let server: BmsServer;

    beforeAll(async () => {
      server = await startBmsServer({ assetsDir: await buildBms(), ssoDemo: true });
      await server.addUser({ username: 'admin', name: 'Ada Admin', role: 'admin' });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    const newPage = async () =>
      (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();

    /** Sign in with SSO on the login page, then the test IdP's two pages; lands on My Profile. */
    async function ssoSignIn(page: Page) {
      await page.goto(`${server.origin}/login`);
      await page.getByRole('link', { name: 'Sign in with SSO' }).click();
      await page.waitForURL((url) => url.pathname === '/test-idp/sso');
      expect(await page.getByRole('note').textContent()).toContain('TEST identity provider');
      expect(await page.getByLabel('Sign in as (NameID)').inputValue()).toBe('erin@demo.test');
      await page.getByRole('button', { name: 'Sign in as this user' }).click();
      await page.getByRole('button', { name: 'Continue to MFA Companion' }).click();
      await page.waitForURL(`${server.origin}/profile`);
      await page.locator('body[data-ready="true"]').waitFor();
    }

    it('signs erin in without a code under the policy, before and after she enables MFA once', async () => {
      const admin = await newPage();
      await signIn(admin, server.origin, 'admin');
      await admin.goto(`${server.origin}/admin/auth`);
      await admin
        .getByRole('switch', { name: 'Require MFA for non-SSO users' })
        .check({ force: true });
      await expect
        .poll(() => admin.locator('#policy-status').textContent())
        .toContain('MFA is now required');
      // The test IdP is the configured one.
      await expect
        .poll(() => admin.locator('#sso-state').textContent())
        .toContain('urn:mfa-companion:built-in-test-idp');

      const erin = await newPage();
      await ssoSignIn(erin);
      await erin.locator('#mfa-status .badge').waitFor();
      expect(await erin.locator('#mfa-status .badge').textContent()).toBe('Disabled');
      expect(await erin.locator('#mfa-h ~ p').first().textContent()).toContain(
        'SSO sign-ins do not ask for a code',
      );

      await erin.getByRole('button', { name: 'Enable MFA' }).click();
      const phone = createVirtualAuthenticator({ now: () => server.clock.now() });
      phone.addFromQrPng(await erin.locator('mfa-enroll img[part="qr"]').screenshot());
      await erin.locator('mfa-enroll input').fill(phone.code());
      await erin.locator('mfa-enroll button[part="button"]').click();
      await erin.locator('mfa-enroll [part="code"]').first().waitFor();
      await erin.locator('mfa-enroll').getByRole('button', { name: 'I have saved them' }).click();
      await expect.poll(() => erin.locator('#mfa-status .badge').textContent()).toBe('Enabled');
      await logOut(erin, server.origin);

      // Again through SSO: no code asked, straight to My Profile with MFA on.
      await ssoSignIn(erin);
      await expect.poll(() => erin.locator('#mfa-status .badge').textContent()).toBe('Enabled');

      await admin.goto(`${server.origin}/admin/employees`);
      await admin.locator('table.listing tbody tr').first().waitFor();
      const rows = await listingRows(admin);
      expect(rows.find((r) => r.name === 'Erin SSO')).toEqual({
        name: 'Erin SSO',
        auth: 'SAML SSO',
        mfa: 'Enabled',
      });
      expect(await admin.getByRole('button', { name: 'Remove MFA for Erin SSO' }).isVisible()).toBe(
        true,
      );
      expect(await admin.getByRole('button', { name: 'Reset MFA for Erin SSO' }).count()).toBe(0);
    });

    it('tells a password attempt for erin to use SSO', async () => {
      const page = await newPage();
      await page.goto(`${server.origin}/login`);
      await page.locator('body[data-ready="true"]').waitFor();
      await page.getByLabel('Username').fill('erin@demo.test');
      await page.getByLabel('Password').fill('any password at all');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect
        .poll(() => page.locator('#login-error').textContent())
        .toContain('Sign in with SSO');
    });
  },
);
