import { describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { confirmAdd, openContext, pasteKey, shownCodes, shownNames } from './support/app-page.ts';

// Two seconds before a boundary of both 30 s and 60 s periods.
const BOUNDARY = Date.UTC(2031, 5, 6, 7, 9, 0);
const uris = [
  'otpauth://totp/ACME:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME',
  'otpauth://totp/Globex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Globex&algorithm=SHA256&digits=8',
  'otpauth://totp/Initech:carl?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Initech&algorithm=SHA512&period=60&digits=7',
];
const accounts = uris.map(parseKeyUri);
const codesAt = (at: number) => accounts.map((a) => generateCode(a, at));

describe.skipIf(!browserAvailable)('PWA: codes over time', { timeout: 90_000 }, () => {
  const env = useAppBrowser();

  async function withAccounts(start: number) {
    const opened = await openContext(env.browser);
    await opened.context.clock.install({ time: start - 1000 });
    await opened.context.clock.pauseAt(start);
    await pasteKey(opened.page, env.app.url, uris.join('\n'));
    await confirmAdd(opened.page);
    return opened;
  }

  it('shows the codes generateCode gives at the fixed clock, for every algorithm and length', async () => {
    const start = BOUNDARY - 12_345;
    const { context, page, errors } = await withAccounts(start);
    expect(await shownCodes(page)).toEqual(codesAt(start));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('rolls the codes over exactly at the period boundary, showing the next code just before', async () => {
    const { context, page, errors } = await withAccounts(BOUNDARY - 2000);
    expect(await shownCodes(page)).toEqual(codesAt(BOUNDARY - 2000));
    await context.clock.runFor(1999);
    expect(await shownCodes(page)).toEqual(codesAt(BOUNDARY - 1));
    const next = await page
      .locator('account-card .next')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-next')));
    expect(next).toEqual(codesAt(BOUNDARY));
    await context.clock.runFor(1);
    await expect.poll(() => shownCodes(page)).toEqual(codesAt(BOUNDARY));
    expect(codesAt(BOUNDARY)).not.toEqual(codesAt(BOUNDARY - 1));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps accounts, a keyboard reorder and an edit across a reload', async () => {
    const start = BOUNDARY - 20_000;
    const { context, page, errors } = await withAccounts(start);
    // In edit mode, Alt+↑ on the last card moves it up; focus stays on it so the user can keep
    // moving it.
    await page.getByRole('button', { name: 'Reorder' }).click();
    await page.getByRole('button', { name: 'Move Initech (carl) up' }).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect
      .poll(() => shownNames(page))
      .toEqual(['ACME (ann@example.com)', 'Initech (carl)', 'Globex (bob)']);
    await page.keyboard.press('Alt+ArrowUp');
    await expect
      .poll(() => shownNames(page))
      .toEqual(['Initech (carl)', 'ACME (ann@example.com)', 'Globex (bob)']);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('link', { name: 'Details of Globex (bob)' }).click();
    await page.getByLabel('Service (issuer)').fill('Globex Corp');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => shownNames(page)).toContain('Globex Corp (bob)');
    await page.reload();
    await expect
      .poll(() => shownNames(page))
      .toEqual(['Initech (carl)', 'ACME (ann@example.com)', 'Globex Corp (bob)']);
    expect(await shownCodes(page)).toEqual([2, 0, 1].map((i) => generateCode(accounts[i]!, start)));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('deletes an account after confirmation, and Undo brings it back', async () => {
    const { context, page } = await withAccounts(BOUNDARY - 20_000);
    await page.getByRole('link', { name: 'Details of ACME (ann@example.com)' }).click();
    await page.getByRole('button', { name: 'Delete account' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => shownNames(page)).toEqual(['Globex (bob)', 'Initech (carl)']);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect
      .poll(() => shownNames(page))
      .toEqual(['ACME (ann@example.com)', 'Globex (bob)', 'Initech (carl)']);
    await page.reload();
    await expect.poll(() => shownNames(page)).toHaveLength(3);
    await context.close();
  });

  it('advances an HOTP counter with "Next code" and keeps it after a reload', async () => {
    const opened = await openContext(env.browser);
    const { context, page } = opened;
    const hotp = 'otpauth://hotp/Vault:dan?secret=JBSWY3DPEHPK3PXP&issuer=Vault&counter=5';
    await pasteKey(page, env.app.url, hotp);
    await confirmAdd(page);
    const account = parseKeyUri(hotp);
    expect(await shownCodes(page)).toEqual([generateCode(account)]);
    await page.getByRole('button', { name: 'Next code for Vault (dan)' }).click();
    await expect.poll(() => shownCodes(page)).toEqual([generateCode({ ...account, counter: 6 })]);
    await page.reload();
    expect(await shownCodes(page)).toEqual([generateCode({ ...account, counter: 6 })]);
    await context.close();
  });
});
