import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { type BmsServer, PASSWORD, startBmsServer } from './support/bms-server.ts';
import { buildBms } from './support/build-bms.ts';
import { enrolViaApi, listingRows, signIn, submitPassword } from './support/people.ts';

// 13 contacts: more than one page of 10. Ann, Abe and Cy have MFA; Sam signs in with SAML SSO.
const contacts = [
  'Ann Archer',
  'Abe Abbott',
  'Cy Cole',
  'Dee Dale',
  'Eve Ennis',
  'Fay Ford',
  'Gus Gray',
  'Hal Hart',
  'Ida Ives',
  'Jo Judd',
  'Kit Kent',
  'Lou Lamb',
];
const username = (name: string) => name.split(' ')[0]!.toLowerCase();

describe.skipIf(!browserAvailable)('BMS admin listings', () => {
  let browser: Browser;
  let server: BmsServer;
  let context: BrowserContext;
  let page: Page;
  const ids = new Map<string, number>();
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startBmsServer({ assetsDir: await buildBms() });
    await server.addUser({ username: 'admin', name: 'Ada Admin', role: 'admin' });
    await server.addUser({ username: 'emp', name: 'Emil Employee' });
    for (const name of contacts)
      ids.set(name, await server.addUser({ username: username(name), name, kind: 'contact' }));
    ids.set(
      'Sam Saml',
      await server.addUser({
        username: 'sam',
        name: 'Sam Saml',
        kind: 'contact',
        authType: 'saml',
      }),
    );
    for (const name of ['Ann Archer', 'Abe Abbott', 'Cy Cole'])
      await enrolViaApi(server, username(name));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await signIn(page, server.origin, 'admin');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openContacts(query = '') {
    await page.goto(`${server.origin}/admin/contacts${query}`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.locator('table.listing[aria-busy="false"]').waitFor();
  }

  it('lists contacts with authentication type and MFA column, ten a page, with Next and Previous', async () => {
    await openContacts();
    const first = await listingRows(page);
    expect(first).toHaveLength(10);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('#page-number').textContent()).toBe('Page 2');
    await page.locator('table.listing[aria-busy="false"]').waitFor();
    const second = await listingRows(page);
    expect(second).toHaveLength(3);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    const all = [...first, ...second];
    expect(all.map((r) => r.name).sort()).toEqual([...contacts, 'Sam Saml'].sort());
    expect(all.find((r) => r.name === 'Sam Saml')).toMatchObject({ auth: 'SAML SSO' });
    expect(all.find((r) => r.name === 'Ann Archer')).toMatchObject({
      auth: 'Password',
      mfa: 'Enabled',
    });
    expect(all.find((r) => r.name === 'Dee Dale')?.mfa).toBe('Disabled');
    await page.getByRole('button', { name: 'Previous' }).click();
    await expect
      .poll(async () => (await listingRows(page)).map((r) => r.name))
      .toEqual(first.map((r) => r.name));
    // At 360 px nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      360,
    );
  });

  it('searches by name or username and filters by MFA state, keeping both in the address', async () => {
    await openContacts();
    await page.getByLabel('Search').fill('ab');
    await expect
      .poll(async () => (await listingRows(page)).map((r) => r.name))
      .toEqual(['Abe Abbott']);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('MFA status').selectOption('enabled');
    await expect
      .poll(async () => (await listingRows(page)).map((r) => r.name).sort())
      .toEqual(['Abe Abbott', 'Ann Archer', 'Cy Cole']);
    expect(new URL(page.url()).searchParams.get('mfa')).toBe('enabled');
    await page.reload();
    await page.locator('table.listing[aria-busy="false"]').waitFor();
    expect(await page.getByLabel('MFA status').inputValue()).toBe('enabled');
    expect((await listingRows(page)).every((r) => r.mfa === 'Enabled')).toBe(true);
    await page.getByLabel('MFA status').selectOption('disabled');
    await expect.poll(async () => (await listingRows(page)).length).toBe(10);
    expect((await listingRows(page)).every((r) => r.mfa === 'Disabled')).toBe(true);
  });

  it('resets MFA only after confirmation, and the user must set MFA up at the next login', async () => {
    await openContacts('?q=cy');
    await page.getByRole('button', { name: 'Reset MFA for Cy Cole' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset MFA for Cy Cole?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Reset MFA for Cy Cole' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect((await listingRows(page))[0]?.mfa).toBe('Enabled');

    await page.getByRole('button', { name: 'Reset MFA for Cy Cole' }).click();
    await dialog.getByRole('button', { name: 'Reset MFA' }).click();
    await expect.poll(async () => (await listingRows(page))[0]?.mfa).toBe('Disabled');
    expect(await page.locator('#flash').textContent()).toContain('MFA reset for Cy Cole');
    const next = await server.client().login({ username: 'cy', password: PASSWORD });
    expect(next.status).toBe('mfa_setup_required');
  });

  it('disables MFA for the selected contacts in one batch and reports each one', async () => {
    await openContacts('?q=a');
    await page.getByRole('checkbox', { name: 'Select Ann Archer' }).check();
    await page.getByRole('checkbox', { name: 'Select Abe Abbott' }).check();
    await page.getByRole('checkbox', { name: 'Select Hal Hart' }).check();
    expect(await page.locator('#selection-count').textContent()).toBe('3 selected');
    await page.getByRole('button', { name: 'Disable MFA', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable MFA for 3 contacts?' });
    await dialog.getByRole('button', { name: 'Disable MFA' }).click();
    const result = page.locator('#batch-result');
    await result.waitFor();
    expect(await result.locator('[data-outcome="disabled"]').allTextContents()).toEqual([
      'Disabled Ann Archer',
      'Disabled Abe Abbott',
    ]);
    expect(await result.locator('[data-outcome="skipped"]').textContent()).toBe(
      'Skipped Hal Hart — skipped: MFA was not enabled',
    );
    await page.locator('table.listing[aria-busy="false"]').waitFor();
    const rows = await listingRows(page);
    expect(rows.find((r) => r.name === 'Ann Archer')?.mfa).toBe('Disabled');
    expect(rows.find((r) => r.name === 'Abe Abbott')?.mfa).toBe('Disabled');
    expect(await server.client().login({ username: 'ann', password: PASSWORD })).toMatchObject({
      status: 'authenticated',
    });
  });

  it('offers no set-up promise for an SSO user: no Reset MFA, and the batch says SSO users are not asked', async () => {
    await openContacts('?q=sam');
    expect(await page.getByRole('button', { name: 'Reset MFA for Sam Saml' }).count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Select Sam Saml' }).check();
    await page.getByRole('button', { name: 'Disable MFA', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable MFA for 1 contact?' });
    expect(await dialog.textContent()).toContain('SAML SSO users are not asked to');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('lists employees without batch checkboxes, and the audit log shows the admin actions', async () => {
    await page.goto(`${server.origin}/admin/employees`);
    await page.locator('table.listing[aria-busy="false"]').waitFor();
    expect((await listingRows(page)).map((r) => r.name).sort()).toEqual([
      'Ada Admin',
      'Emil Employee',
    ]);
    expect(await page.locator('table.listing input[type=checkbox]').count()).toBe(0);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.locator('table.listing').waitFor();
    const actions = await page.locator('table.listing tbody tr th').allTextContents();
    expect(actions.filter((a) => a === 'MFA disabled (batch)')).toHaveLength(2);
    expect(actions).toContain('MFA reset');
    expect(actions).toContain('Signed in');
  });

  it('keeps admin pages from other people: sign-in first, then 403 for a non-admin', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(`${server.origin}/admin/contacts`);
    expect(new URL(p.url()).pathname).toBe('/login');
    expect(new URL(p.url()).searchParams.get('next')).toBe('/admin/contacts');
    await submitPassword(p, server.origin, 'emp');
    await p.waitForURL(`${server.origin}/admin/contacts`);
    expect(await p.getByRole('link', { name: 'Contacts' }).count()).toBe(0);
    const res = await p.goto(`${server.origin}/admin/contacts`);
    expect(res?.status()).toBe(403);
    expect(await p.locator('main').textContent()).toContain('Only administrators');
    await other.close();
  });

  it('fits every page into a 360 px wide phone screen without sideways scrolling', async () => {
    for (const path of [
      '/profile',
      '/admin/auth',
      '/admin/employees',
      '/admin/contacts',
      '/admin/audit',
    ]) {
      await page.goto(`${server.origin}${path}`);
      await page.locator('body[data-ready="true"]').waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ path, width }).toEqual({ path, width: 360 });
    }
  });

  it('names every control of the listing for assistive technology', async () => {
    await openContacts();
    const unnamed = await page.locator('main input, main select, main button').evaluateAll((els) =>
      els
        .filter((el) => {
          const labelled = 'labels' in el && (el as HTMLInputElement).labels?.length;
          return !labelled && !el.getAttribute('aria-label') && !el.textContent?.trim();
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
    expect(await page.locator('table.listing thead th[scope="col"]').count()).toBe(5);
  });

  it('ran without page errors or Content-Security-Policy violations', () => {
    expect(problems).toEqual([]);
  });
});
