import { describe, expect, it } from 'vitest';
import { encodeMigrationUris, generateCode, OtpError, parseKeyUri } from '../../sdk/otp/index.ts';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import {
  confirmAdd,
  dumpIndexedDb,
  openAddTab,
  openContext,
  pasteKey,
  shownCodes,
  shownNames,
  vaultRecordCount,
} from './support/app-page.ts';

const T = Date.UTC(2030, 0, 2, 3, 4, 10);
const ann = 'otpauth://totp/ACME:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME';
const bob =
  'otpauth://totp/Globex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Globex&algorithm=SHA256&digits=8';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof OtpError) return error.message;
  }
  throw new Error('expected an OtpError');
}

describe.skipIf(!browserAvailable)('PWA: adding accounts', { timeout: 90_000 }, () => {
  const env = useAppBrowser();

  async function freshPage() {
    const opened = await openContext(env.browser);
    await opened.context.clock.install({ time: T });
    await opened.context.clock.pauseAt(T + 1000);
    return opened;
  }

  it('adds a key typed by hand as the BMS shows it, and shows its current code', async () => {
    const { context, page, errors } = await freshPage();
    await openAddTab(page, env.app.url, 'manual');
    await page.getByLabel('Service (issuer)').fill('ACME');
    await page.getByLabel('Account name').fill('ann@example.com');
    await page.getByLabel('Secret key').fill('jbsw y3dp-ehpk 3pxp');
    await page.getByRole('button', { name: 'Continue' }).click();
    await confirmAdd(page);
    expect(await shownCodes(page)).toEqual([generateCode(parseKeyUri(ann), T + 1000)]);
    expect(await shownNames(page)).toEqual(['ACME (ann@example.com)']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('adds a pasted otpauth URI and a pasted Google Authenticator export (all its accounts)', async () => {
    const { context, page, errors } = await freshPage();
    await pasteKey(page, env.app.url, ann);
    await confirmAdd(page);
    const exported = encodeMigrationUris([
      parseKeyUri(bob),
      parseKeyUri(ann.replace('ann@', 'carl@').replace('JBSW', 'MFRG')),
    ]);
    await pasteKey(page, env.app.url, exported[0] ?? '');
    await expect
      .poll(() => page.locator('account-preview h2').textContent())
      .toBe('Add 2 accounts?');
    await confirmAdd(page);
    const accounts = [ann, bob, ann.replace('ann@', 'carl@').replace('JBSW', 'MFRG')].map(
      parseKeyUri,
    );
    expect(await shownCodes(page)).toEqual(accounts.map((a) => generateCode(a, T + 1000)));
    expect(await vaultRecordCount(page)).toBe(3);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('adds the key of a deep link #/add?uri=… and removes it from the address bar', async () => {
    const { context, page, errors } = await freshPage();
    await page.goto(`${env.app.url}#/add?uri=${encodeURIComponent(bob)}`);
    await page.locator('account-preview').waitFor();
    expect(page.url()).not.toContain('secret');
    expect(page.url()).not.toContain('GEZDGNBV');
    await confirmAdd(page);
    expect(await shownCodes(page)).toEqual([generateCode(parseKeyUri(bob), T + 1000)]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers a key that is already stored as "already added" and does not store it again', async () => {
    const { context, page } = await freshPage();
    await pasteKey(page, env.app.url, ann);
    await confirmAdd(page);
    await page.goto(
      `${env.app.url}#/add?uri=${encodeURIComponent(ann.replace('ann@example.com', 'renamed'))}`,
    );
    await expect
      .poll(() => page.locator('account-preview li').textContent())
      .toContain('Already added');
    expect(await page.locator('account-preview button.primary').count()).toBe(0);
    expect(await vaultRecordCount(page)).toBe(1);
    await context.close();
  });

  it('shows the message of every bad input and leaves the vault as it was', async () => {
    const { context, page, errors } = await freshPage();
    await pasteKey(page, env.app.url, ann);
    await confirmAdd(page);
    const before = await dumpIndexedDb(page);
    const badUris: [string, string][] = [
      ['https://example.com/login', 'This is not an authenticator key'],
      [
        ann.replace('JBSWY3DPEHPK3PXP', 'JBSW*'),
        messageOf(() => parseKeyUri(ann.replace('JBSWY3DPEHPK3PXP', 'JBSW*'))),
      ],
      [`${ann}&digits=12`, messageOf(() => parseKeyUri(`${ann}&digits=12`))],
      ['otpauth-migration://offline?data=bm90IGEgcHJvdG9idWY', 'export'],
    ];
    for (const [text, message] of badUris) {
      await pasteKey(page, env.app.url, text);
      await expect
        .poll(() => page.locator('add-page [role="alert"]').textContent())
        .toContain(message);
      expect(await page.locator('account-preview').count()).toBe(0);
    }
    await openAddTab(page, env.app.url, 'manual');
    await page.getByLabel('Account name').fill('x');
    await page.getByLabel('Secret key').fill('abc');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.locator('add-page [role="alert"]').count()).toBe(1);
    expect(await dumpIndexedDb(page)).toBe(before);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps no secret, issuer or account name in clear in IndexedDB or localStorage', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${env.app.url}#/add?uri=${encodeURIComponent(bob)}`);
    await confirmAdd(page);
    await shownCodes(page);
    const dump = await dumpIndexedDb(page);
    expect(dump).toContain('mfa-companion-vault/accounts');
    const account = parseKeyUri(bob);
    for (const clear of [
      account.secret,
      account.secret.toLowerCase(),
      account.label,
      account.issuer ?? '',
    ]) {
      expect(dump).not.toContain(clear);
    }
    expect(dump).toContain('[CryptoKey extractable=false]');
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).toBe('{}');
    await context.close();
  });
});
