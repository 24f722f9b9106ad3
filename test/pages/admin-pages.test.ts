import { readFile } from 'node:fs/promises';
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

    it("filters the audit log by user, action and day, exports it as CSV, and shows dates in the browser's languages", async () => {
      const DAY = 24 * 60 * 60_000;
      const now = server.clock.now();
      const at = (daysAgo: number) => now - daysAgo * DAY;
      await server.store.appendAudit([
        { at: at(3), actor: 'zed', action: 'login.failed', target: 'zed', ip: '203.0.113.9' },
        { at: at(2), actor: 'zed', action: 'login.succeeded', target: 'zed', ip: '203.0.113.9' },
        { at: at(1), actor: '=cmd', action: 'login.failed', target: '=cmd', ip: '203.0.113.7' },
      ]);
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      // A browser in English whose person prefers German: dates follow navigator.languages.
      await context.addInitScript(() =>
        Object.defineProperty(navigator, 'languages', { get: () => ['de-DE', 'en'] }),
      );
      const page = await context.newPage();
      await signIn(page, server.origin, 'admin');
      await page.goto(`${server.origin}/admin/audit`);
      await page.locator('table.listing').waitFor();
      const rows = () =>
        page.locator('table.listing tbody tr').evaluateAll((trs) =>
          trs.map((tr) => ({
            action: tr.querySelector('th')?.textContent?.trim(),
            by: tr.querySelector('[data-label="By"]')?.textContent?.trim(),
            when: tr.querySelector('time')?.textContent?.trim(),
          })),
        );
      // German order and separators: 04.12.2026, 09:10:05 rather than Dec 4, 2026, 9:10:05 AM.
      expect((await rows()).find((r) => r.by === 'zed')?.when).toMatch(
        /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}$/,
      );

      await page.getByLabel('User').fill('zed');
      await page.getByLabel('Action').selectOption({ label: 'Sign-in failed' });
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect
        .poll(rows)
        .toEqual([{ action: 'Sign-in failed', by: 'zed', when: expect.any(String) }]);
      expect(new URL(page.url()).search).toBe('?actor=zed&action=login.failed');

      // Days are the person's own: from two days ago up to and including yesterday.
      const day = (ms: number) =>
        page.evaluate((t) => {
          const d = new Date(t);
          const pad = (n: number) => String(n).padStart(2, '0');
          return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
        }, ms);
      await page.getByLabel('User').fill('');
      await page.getByLabel('Action').selectOption({ label: 'All' });
      await page.getByLabel('From').fill(await day(at(2)));
      await page.getByLabel('To').fill(await day(at(1)));
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect.poll(async () => (await rows()).map((r) => r.by)).toEqual(['=cmd', 'zed']);

      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      expect(file.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = (await readFile((await file.path())!, 'utf8')).trim().split('\r\n');
      expect(csv).toEqual([
        'at,action,action_label,actor,target,ip',
        `${new Date(at(1)).toISOString()},login.failed,Sign-in failed,'=cmd,'=cmd,203.0.113.7`,
        `${new Date(at(2)).toISOString()},login.succeeded,Signed in,zed,zed,203.0.113.9`,
      ]);
      expect(await text(page, '#audit-export-status')).toContain('Downloaded 2 events');
      await context.close();
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
