import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualAuthenticator } from '../../sdk/testing/index.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { type BmsServer, startBmsServer } from './support/bms-server.ts';
import { buildBms } from './support/build-bms.ts';
import { signIn } from './support/people.ts';

/** Presses Download in the recovery codes on the page; returns the file's name and text. */
async function download(page: Page) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('mfa-recovery-codes').getByRole('button', { name: 'Download' }).click(),
  ]);
  return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
}

describe.skipIf(!browserAvailable)('BMS recovery-codes download', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: BmsServer;

  beforeAll(async () => {
    server = await startBmsServer({ assetsDir: await buildBms() });
    await server.addUser({ username: 'gil@acme.test' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('names the company, the account and the date in the file and its name, at set-up and after regenerating', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, server.origin, 'gil@acme.test');
    const today = await page.evaluate(() => {
      const d = new Date();
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    });
    await page.getByRole('button', { name: 'Enable MFA' }).click();
    const phone = createVirtualAuthenticator({ now: () => server.clock.now() });
    phone.addFromQrPng(await page.locator('mfa-enroll img[part="qr"]').screenshot());
    await page.locator('mfa-enroll input').fill(phone.code());
    await page.locator('mfa-enroll button[part="button"]').click();
    const shown = page.locator('mfa-recovery-codes [part="code"]');
    await shown.first().waitFor();
    const codes = await shown.allTextContents();

    const first = await download(page);
    expect(first.name).toBe(`Acme-BMS-recovery-codes-gil@acme.test-${today}.txt`);
    expect(first.text).toContain('Company: Acme BMS');
    expect(first.text).toContain('Account: gil@acme.test');
    expect(first.text).toContain(`Made on: ${today}`);
    for (const code of codes) expect(first.text).toContain(code);

    await page.locator('mfa-enroll').getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
    server.clock.advance(30_000);
    await page.getByLabel('Current MFA code or recovery code').fill(phone.code());
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await shown.first().waitFor();
    const again = await download(page);
    expect(again.name).toBe(`Acme-BMS-recovery-codes-gil@acme.test-${today}.txt`);
    expect(again.text).toContain('Company: Acme BMS');
    expect(again.text).toContain('Account: gil@acme.test');
    await context.close();
  });
});
