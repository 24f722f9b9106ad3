import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  collectMigrationParts,
  decodeMigrationPayload,
  formatKeyUri,
  type OtpAccount,
  parseKeyUri,
} from '../../sdk/otp/index.ts';
import { decodePng, readQr } from '../../sdk/testing/index.ts';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { confirmAdd, letToastsGo, pasteKey } from './support/app-page.ts';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `n` 30-second accounts with distinct secrets, "Service <i>" / "user<i>". */
function accounts(n: number): OtpAccount[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'totp' as const,
    secret: Array.from(createHash('sha256').update(`qr-${i}`).digest(), (b) => alphabet[b % 32])
      .join('')
      .slice(0, 32),
    issuer: `Service ${i}`,
    label: `user${i}`,
    algorithm: i % 3 === 0 ? ('SHA256' as const) : ('SHA1' as const),
    digits: i % 4 === 0 ? 8 : 6,
    period: 30,
  }));
}

const carried = accounts(12);
const sixty: OtpAccount = { ...accounts(13)[12]!, issuer: 'Slow', period: 60 };

/** Reads the QR code the page draws (a screenshot of it, decoded by sdk/testing). */
async function shownQr(page: Page): Promise<string> {
  const qr = page.locator('qr-code [data-ready]');
  await qr.waitFor();
  // Clear of the sticky header, which a screenshot of the element would include.
  await qr.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  return readQr(decodePng(await qr.screenshot()));
}

describe.skipIf(!browserAvailable)('PWA: QR exports', { timeout: 120_000 }, () => {
  const env = useAppBrowser();

  async function withAccounts(list: OtpAccount[]) {
    // Twice a phone's pixels per CSS pixel, like most phones: the QR's modules are whole pixels.
    const context = await env.browser.newContext({
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await context.clock.install();
    await context.clock.pauseAt(Date.UTC(2036, 9, 8, 7, 6, 5));
    await pasteKey(page, env.app.url, list.map(formatKeyUri).join('\n'));
    await confirmAdd(page);
    // A toast over the QR code would hide part of it.
    await letToastsGo(page);
    return { context, page, errors };
  }

  it('shows a Google Authenticator transfer as numbered QR codes of at most 10 accounts, leaving out what the format cannot carry', async () => {
    const { context, page, errors } = await withAccounts([...carried, sixty]);
    await page.goto(`${env.app.url}#/backup`);
    const show = page.getByRole('button', { name: 'Show transfer QR codes' });
    // Behind its own warning, like the plain list.
    expect(await show.isDisabled()).toBe(true);
    await page.getByLabel('I understand that these QR codes show my keys in clear.').check();
    await show.click();
    const position = page.locator('[data-testid="transfer-position"]');
    await expect.poll(() => position.textContent()).toBe('QR code 1 of 2: accounts 1–10 of 12.');
    expect(await page.locator('[data-testid="transfer-left-out"]').textContent()).toContain(
      'Slow (user12): 60-second codes',
    );
    expect(await page.getByRole('button', { name: 'Previous QR code' }).isDisabled()).toBe(true);
    const first = await shownQr(page);
    await page.getByRole('button', { name: 'Next QR code' }).click();
    await expect.poll(() => position.textContent()).toBe('QR code 2 of 2: accounts 11–12 of 12.');
    await expect.poll(() => shownQr(page)).not.toBe(first);
    const second = await shownQr(page);
    expect(await page.getByRole('button', { name: 'Next QR code' }).isDisabled()).toBe(true);
    // What was drawn is the export sdk/otp reads: two parts of one batch, every account in order.
    const payloads = [first, second].map(decodeMigrationPayload);
    expect(payloads.map((p) => [p.batch.index, p.batch.size, p.accounts.length])).toEqual([
      [0, 2, 10],
      [1, 2, 2],
    ]);
    const parts = collectMigrationParts();
    parts.add(payloads[0]!);
    const done = parts.add(payloads[1]!);
    expect(done.status).toBe('complete');
    if (done.status !== 'complete') throw new Error('incomplete');
    expect(done.accounts).toEqual(carried);
    await page.getByRole('button', { name: 'Hide the QR codes' }).click();
    expect(await page.locator('qr-code').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the QR code of one account on its details page, on request only', async () => {
    const account = carried[0]!;
    const { context, page, errors } = await withAccounts([account]);
    await page.getByRole('link', { name: 'Details of Service 0 (user0)' }).click();
    await page.locator('account-page h2').waitFor();
    expect(await page.locator('qr-code').count()).toBe(0);
    const toggle = page.getByRole('button', { name: 'Show QR code' });
    await toggle.click();
    const uri = await shownQr(page);
    expect(parseKeyUri(uri)).toEqual(account);
    expect(await page.getByRole('img', { name: 'QR code of Service 0 (user0)' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Hide QR code' }).click();
    expect(await page.locator('qr-code').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
