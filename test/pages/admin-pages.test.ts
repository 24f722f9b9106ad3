import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { type BmsServer, PASSWORD, startBmsServer } from './support/bms-server.ts';
import { buildBms } from './support/build-bms.ts';
import { enrolViaApi, signIn } from './support/people.ts';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)(
  'BMS admin pages as an admin meets them',
  { timeout: 60_000 },
  () => {
    let browser: Browser;
    let server: BmsServer;

    beforeAll(async () => {
      server = await startBmsServer({ assetsDir: await buildBms() });
      await server.addUser({ username: 'admin', name: 'Ada Administrator', role: 'admin' });
      await server.addUser({ username: 'emp-on', name: 'Eve Enrolled' });
      await server.addUser({ username: 'emp-off', name: 'Finn Fresh' });
      await server.addUser({ username: 'sso', name: 'Sia Sso', authType: 'saml' });
      await server.addUser({ username: 'con', name: 'Cora Contact', kind: 'contact' });
      await enrolViaApi(server, 'emp-on');
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function adminPage(width: number): Promise<Page> {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await signIn(page, server.origin, 'admin');
      return page;
    }

    it('asks before requiring MFA, saying how many people it affects; Cancel leaves it off', async () => {
      const page = await adminPage(1280);
      await page.goto(`${server.origin}/admin/auth`);
      await page.locator('body[data-ready="true"]').waitFor();
      const toggle = page.getByRole('switch', { name: 'Require MFA for non-SSO users' });
      await toggle.click({ force: true });
      // Password users without MFA: admin, Finn, Cora (Eve has MFA, Sia signs in with SSO).
      const dialog = page.getByRole('dialog', { name: 'Require MFA for 3 people?' });
      await dialog.waitFor();
      expect(await text(page, '#confirm-body')).toContain('Their current sessions end now');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => toggle.isChecked()).toBe(false);
      expect(
        await server.client().login({ username: 'emp-off', password: PASSWORD }),
      ).toMatchObject({
        status: 'authenticated',
      });

      await toggle.click({ force: true });
      await dialog.getByRole('button', { name: 'Require MFA' }).click();
      await expect
        .poll(() => text(page, '#policy-status'))
        .toBe('Saved: MFA is now required for everyone who signs in with a password.');
      expect(await toggle.isChecked()).toBe(true);
      await toggle.uncheck({ force: true });
      await expect.poll(() => text(page, '#policy-status')).toBe('Saved: MFA is now optional.');
      await page.context().close();
    });

    it('offers Reset MFA only to people with MFA on, names the pages as the menu does, and tells Reset from Disable', async () => {
      const page = await adminPage(1280);
      await page.goto(`${server.origin}/admin/employees`);
      await page.locator('table.listing[aria-busy="false"]').waitFor();
      expect(await page.getByRole('button', { name: 'Reset MFA for Eve Enrolled' }).count()).toBe(
        1,
      );
      expect(await page.getByRole('button', { name: 'Reset MFA for Finn Fresh' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Reset MFA for Sia Sso' }).count()).toBe(0);

      await page.goto(`${server.origin}/admin/auth`);
      await page.locator('body[data-ready="true"]').waitFor();
      const help = await text(page, '#require-mfa-help');
      expect(help).not.toMatch(/HR >|CRM >/);
      expect(help).toContain('(Employees, Contacts)');

      await page.goto(`${server.origin}/admin/contacts`);
      await page.locator('table.listing[aria-busy="false"]').waitFor();
      const words = await text(page, '#contacts-help');
      expect(words).toMatch(/Reset MFA .* set it up again at their next sign-in/);
      expect(words).toMatch(/Disable MFA .* turns their MFA off/);
      await page.context().close();
    });

    it('at 360 px shows the whole menu and the signed-in name', async () => {
      const page = await adminPage(360);
      await page.goto(`${server.origin}/admin/employees`);
      await page.locator('body[data-ready="true"]').waitFor();
      const links = await page.locator('nav.menu a').evaluateAll((as) =>
        as.map((a) => {
          const box = a.getBoundingClientRect();
          return {
            label: a.textContent?.trim(),
            inside: box.left >= 0 && box.right <= innerWidth,
            whole: a.scrollWidth <= a.clientWidth,
          };
        }),
      );
      expect(links.map((l) => l.label)).toEqual([
        'My Profile',
        'Auth and Provision',
        'Employees',
        'Contacts',
        'Audit log',
      ]);
      expect(links.every((l) => l.inside && l.whole)).toBe(true);
      const name = page.locator('.who-name');
      expect(await name.isVisible()).toBe(true);
      expect(
        await name.evaluate((el) => ({
          text: el.textContent,
          whole: el.scrollWidth <= el.clientWidth,
          inside: el.getBoundingClientRect().right <= innerWidth,
        })),
      ).toEqual({ text: 'Ada Administrator', whole: true, inside: true });
      await page.context().close();
    });
  },
);
