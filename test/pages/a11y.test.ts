import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualAuthenticator } from '../../sdk/testing/index.ts';
import { answerChallenge, passwordStep } from '../e2e/support/bms-user.ts';
import {
  activeElement,
  axeViolations,
  clippedText,
  setTextSize,
  sidewaysScrollers,
  weakFocusRings,
} from '../support/a11y.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { type BmsServer, startBmsServer } from './support/bms-server.ts';
import { buildBms } from './support/build-bms.ts';
import { enrolViaApi, signIn, submitPassword } from './support/people.ts';

const ADMIN_PAGES = [
  '/profile',
  '/admin/auth',
  '/admin/employees',
  '/admin/contacts',
  '/admin/audit',
];

describe.skipIf(!browserAvailable)(
  'BMS pages: accessibility beyond axe',
  { timeout: 120_000 },
  () => {
    let browser: Browser;
    let server: BmsServer;
    let phone: Awaited<ReturnType<typeof enrolViaApi>>['phone'];

    beforeAll(async () => {
      server = await startBmsServer({ assetsDir: await buildBms() });
      await server.addUser({ username: 'admin', name: 'Ada Admin', role: 'admin' });
      for (const u of ['pia', 'tex', 'ren', 't320', 't360'])
        await server.addUser({ username: u, name: `${u} person` });
      await server.addUser({ username: 'ann', name: 'Ann Archer', kind: 'contact' });
      await server.addUser({ username: 'hal', name: 'Hal Hart', kind: 'contact' });
      await enrolViaApi(server, 'ann');
      ({ phone } = await enrolViaApi(server, 'ren'));
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

    async function ready(page: Page, path: string) {
      await page.goto(`${server.origin}${path}`);
      await page.locator('body[data-ready="true"]').waitFor();
    }

    it.each([320, 360])(
      'follows the browser text size; at 200 percent and %i px nothing scrolls sideways and codes are whole',
      async (width) => {
        let page = await fresh(width);
        await setTextSize(page, 32);
        await ready(page, '/login');
        expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe(
          '32px',
        );
        const problems: string[] = [];
        const check = async (where: string) => {
          for (const p of await sidewaysScrollers(page)) problems.push(`${where}: ${p}`);
          for (const p of await clippedText(page, '[part="code"], .listing th, .badge, h1, h2'))
            problems.push(`${where}: ${p}`);
        };
        await check('login');
        await signIn(page, server.origin, 'admin');
        for (const path of ADMIN_PAGES) {
          await ready(page, path);
          await check(path);
        }
        // The recovery codes of a new set-up, shown whole.
        await page.context().close();
        page = await fresh(width);
        await setTextSize(page, 32);
        await signIn(page, server.origin, `t${width}`);
        await page.getByRole('button', { name: 'Enable MFA' }).click();
        await page.locator('mfa-enroll img[part="qr"]').waitFor();
        await check('enrol');
        const own = createVirtualAuthenticator({ now: () => server.clock.now() });
        own.addFromQrPng(await page.locator('mfa-enroll img[part="qr"]').screenshot());
        await page.locator('mfa-enroll input').fill(own.code());
        await page.locator('mfa-enroll button[part="button"]').click();
        await page.locator('mfa-enroll [part="code"]').first().waitFor();
        await check('recovery codes');
        expect(problems).toEqual([]);
        await page.context().close();
      },
    );

    it('draws a focus ring of at least 3:1 against its background on every focus stop', async () => {
      const page = await fresh(1280);
      const weak: string[] = [];
      await ready(page, '/login');
      weak.push(...(await weakFocusRings(page)).map((w) => `login: ${w}`));
      await passwordStep(page, server.origin, 'ren');
      weak.push(...(await weakFocusRings(page)).map((w) => `code step: ${w}`));
      await page.goto(`${server.origin}/login`);
      await signIn(page, server.origin, 'admin');
      for (const path of ADMIN_PAGES) {
        await ready(page, path);
        weak.push(...(await weakFocusRings(page)).map((w) => `${path}: ${w}`));
      }
      await ready(page, '/profile');
      await page.getByRole('button', { name: 'Enable MFA' }).click();
      await page.locator('mfa-enroll img[part="qr"]').waitFor();
      weak.push(...(await weakFocusRings(page)).map((w) => `enrol: ${w}`));
      expect(weak).toEqual([]);
      await page.context().close();
    });

    it('moves focus to the new content or announces it after each action, and axe finds nothing serious', async () => {
      const page = await fresh();
      const found: string[] = [];
      const axe = async (where: string) => found.push(...(await axeViolations(page, where)));
      await ready(page, '/login');
      await axe('login');
      await submitPassword(page, server.origin, 'pia', 'not it');
      await page.locator('#login-error:not(:empty)').waitFor();
      await axe('login: wrong password');
      await signIn(page, server.origin, 'pia');
      await axe('profile: MFA off');

      // Enable MFA: the set-up replaces the button that had focus.
      await page.getByRole('button', { name: 'Enable MFA' }).click();
      await page.locator('mfa-enroll img[part="qr"]').waitFor();
      expect(await activeElement(page)).toBe('h3#enroll-h "Set up MFA"');
      await axe('profile: enrol');
      const own = createVirtualAuthenticator({ now: () => server.clock.now() });
      own.addFromQrPng(await page.locator('mfa-enroll img[part="qr"]').screenshot());
      await page.locator('mfa-enroll input').fill(own.code());
      await page.locator('mfa-enroll button[part="button"]').click();
      await page.locator('mfa-enroll [part="code"]').first().waitFor();
      await axe('profile: recovery codes');
      // "I have saved them": the codes go, focus lands on the MFA section with its new status.
      await page.locator('mfa-enroll').getByRole('button', { name: 'I have saved them' }).click();
      await page.locator('#mfa-status .badge.on').waitFor();
      await expect
        .poll(() => activeElement(page))
        .toBe('h2#mfa-h "Multi-factor authentication (MFA)"');
      await axe('profile: MFA on');
      await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
      await axe('profile: regenerate form');
      await page.context().close();

      // The code step of the login.
      const login = await fresh();
      await passwordStep(login, server.origin, 'ren');
      found.push(...(await axeViolations(login, 'login: code step')));
      server.clock.advance(30_000);
      await answerChallenge(login, phone.code());
      await login.waitForURL(`${server.origin}/profile`);
      await login.context().close();

      const admin = await fresh();
      const axeAdmin = async (where: string) => found.push(...(await axeViolations(admin, where)));
      await signIn(admin, server.origin, 'admin');
      // The policy switch keeps focus while it saves, and the result is announced.
      await ready(admin, '/admin/auth');
      await axeAdmin('policy');
      const status = admin.locator('#policy-status');
      expect(await status.getAttribute('role')).toBe('status');
      await admin.getByRole('switch', { name: 'Require MFA for non-SSO users' }).focus();
      await admin.keyboard.press('Space');
      // Turning it on asks first, saying how many people it affects.
      await admin.getByRole('dialog').waitFor();
      await axeAdmin('policy: confirm');
      await admin.getByRole('dialog').getByRole('button', { name: 'Require MFA' }).click();
      await expect.poll(() => status.textContent()).toContain('Saved: MFA is now required');
      expect(await activeElement(admin)).toBe('input#require-mfa ""');
      await axeAdmin('policy: saved');
      await admin.keyboard.press('Space');
      await expect.poll(() => status.textContent()).toContain('Saved: MFA is now optional');
      expect(await activeElement(admin)).toBe('input#require-mfa ""');

      await ready(admin, '/admin/employees');
      await axeAdmin('employees');
      await ready(admin, '/admin/contacts');
      await admin.locator('table.listing[aria-busy="false"]').waitFor();
      await admin.getByRole('checkbox', { name: 'Select Ann Archer' }).check();
      await admin.getByRole('checkbox', { name: 'Select Hal Hart' }).check();
      await axeAdmin('contacts: selected');
      await admin.getByRole('button', { name: 'Disable MFA', exact: true }).click();
      const dialog = admin.getByRole('dialog', { name: 'Disable MFA for 2 contacts?' });
      await axeAdmin('contacts: confirm');
      await dialog.getByRole('button', { name: 'Disable MFA' }).click();
      // The batch result: focus on its heading, not on the now disabled button (or the body).
      await admin.locator('#batch-result').waitFor();
      await expect.poll(() => activeElement(admin)).toBe('h2#batch-result-h "Disable MFA: result"');
      await axeAdmin('contacts: batch result');
      await ready(admin, '/admin/audit');
      await axeAdmin('audit');
      await admin.context().close();

      const user = await fresh();
      await signIn(user, server.origin, 'tex');
      await user.goto(`${server.origin}/admin/auth`);
      found.push(...(await axeViolations(user, 'forbidden')));
      await user.context().close();
      expect(found).toEqual([]);
    });
  },
);
