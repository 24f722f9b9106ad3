import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PERSISTENCE_WORDS } from '../../pwa/state/storage-persistence.ts';
import {
  encodeMigrationUris,
  formatKeyUri,
  generateCode,
  generateSecret,
  type OtpAccount,
  parseKeyUri,
} from '../../sdk/otp/index.ts';
import { browserAvailable } from '../support/browser.ts';
import { qrPng } from '../support/qr-image.ts';
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

const ann = parseKeyUri('otpauth://totp/ACME:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME');
const bob = parseKeyUri(
  'otpauth://hotp/Globex:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Globex&algorithm=SHA256&digits=8&counter=5',
);
const carl = parseKeyUri(
  'otpauth://totp/Initech:carl?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Initech',
);
const answers = Object.values(PERSISTENCE_WORDS);
const saysAnswer = (text: string | null) => answers.some((a) => (text ?? '').includes(a));
const T = Date.UTC(2031, 4, 6, 7, 8, 9);

function aegisPlain(
  entries: { type: string; name: string; issuer: string; info: object }[],
): string {
  return JSON.stringify({
    version: 1,
    header: { slots: null, params: null },
    db: { version: 2, entries },
  });
}
const aegisEntry = (a: OtpAccount) => ({
  type: a.type,
  name: a.label,
  issuer: a.issuer ?? '',
  info: { secret: a.secret, algo: a.algorithm, digits: a.digits, period: a.period },
});

describe.skipIf(!browserAvailable)('PWA: backup and import', { timeout: 120_000 }, () => {
  const env = useAppBrowser();

  it('saves a dated encrypted backup and restores it after site data is cleared', async () => {
    const { context, page, errors } = await openContext(env.browser);
    await pasteKey(page, env.app.url, `${formatKeyUri(ann)}\n${formatKeyUri(bob)}`);
    await confirmAdd(page);
    // The first account asks for persistent storage and says what the browser answered.
    const toast = page.locator('toast-host [role="status"]');
    await expect.poll(async () => saysAnswer(await toast.textContent())).toBe(true);
    await expect
      .poll(() => page.locator('[data-testid="backup-reminder"]').textContent())
      .toContain('Last backup: never.');
    const before = await shownNames(page);

    await page.goto(`${env.app.url}#/backup`);
    await page.getByLabel('Backup passphrase').fill('a long passphrase of words');
    await page.getByLabel('Passphrase again').fill('a long passphrase of words');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save encrypted backup' }).click(),
    ]);
    const today = new Date();
    const stamp = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect(download.suggestedFilename()).toBe(`mfa-companion-backup-${stamp}.json`);
    const saved = join(tmpdir(), `pwa-backup-${process.pid}-${Date.now()}.json`);
    await download.saveAs(saved);
    const text = await readFile(saved, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'mfa-companion-backup', version: 1 });
    expect(text).not.toContain(ann.secret);
    expect(text).not.toContain('ann@example.com');
    await expect
      .poll(() => page.locator('[data-testid="last-backup"]').textContent())
      .not.toContain('never');

    // Clear site data, as a user (or the browser under storage pressure) would.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', {
      origin: new URL(env.app.url).origin,
      storageTypes: 'all',
    });
    await page.goto(env.app.url);
    await page.reload();
    await page.getByRole('heading', { name: 'No accounts yet' }).waitFor();
    expect(await vaultRecordCount(page)).toBe(0);

    await page.goto(`${env.app.url}#/backup`);
    await expect
      .poll(() => page.locator('[data-testid="last-backup"]').textContent())
      .toContain('never');
    await page.locator('#import-file').setInputFiles(saved);
    await page.getByLabel('Passphrase of this MFA Companion backup').fill('a wrong passphrase');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect
      .poll(() => page.locator('backup-page [role="alert"]').getAttribute('data-code'))
      .toBe('WRONG_PASSPHRASE');
    expect(await vaultRecordCount(page)).toBe(0);

    await page
      .getByLabel('Passphrase of this MFA Companion backup')
      .fill('a long passphrase of words');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect
      .poll(() => page.locator('account-preview [data-testid="import-summary"]').textContent())
      .toBe('2 new, 0 already present, 0 unsupported');
    await confirmAdd(page);
    await expect.poll(() => shownNames(page)).toEqual(before);
    expect(await vaultRecordCount(page)).toBe(2);
    // The HOTP counter came back too.
    await page.locator('account-card').nth(1).getByRole('link').first().click();
    await expect.poll(() => page.locator('account-page dl').textContent()).toContain('Counter5');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('previews an Aegis import: already present, unsupported with why, and a re-enrolled key replaced', async () => {
    const { context, page, errors } = await openContext(env.browser);
    await context.clock.install({ time: T });
    await context.clock.pauseAt(T + 1000);
    await pasteKey(page, env.app.url, `${formatKeyUri(ann)}\n${formatKeyUri(carl)}`);
    await confirmAdd(page);
    const renewed = { ...carl, secret: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF' };
    const dave = { ...ann, issuer: 'Umbrella', label: 'dave', secret: 'ONSWG4TFOQYTEMZUGU3DOOBZ' };
    const file = aegisPlain([
      aegisEntry(ann),
      aegisEntry(renewed),
      { type: 'steam', name: 'gamer', issuer: 'Steam', info: { secret: 'JBSWY3DPEHPK3PXP' } },
      aegisEntry(dave),
    ]);
    await page.goto(`${env.app.url}#/backup`);
    await page.locator('#import-file').setInputFiles({
      name: 'aegis-export.json',
      mimeType: 'application/json',
      buffer: Buffer.from(file),
    });
    const preview = page.locator('account-preview');
    await expect
      .poll(() => preview.locator('[data-testid="import-summary"]').textContent())
      .toBe('2 new, 1 already present, 1 unsupported');
    expect(await preview.locator('.unsupported').textContent()).toContain(
      'Steam codes are not supported',
    );
    // No silent second card: the choice must be made first.
    expect(await preview.locator('button.primary').isDisabled()).toBe(true);
    await preview.getByLabel('Replace the old key').check();
    await confirmAdd(page);
    expect(await shownNames(page)).toEqual([
      'ACME (ann@example.com)',
      'Initech (carl)',
      'Umbrella (dave)',
    ]);
    expect(await shownCodes(page)).toEqual(
      [ann, renewed, dave].map((a) => generateCode(a, T + 1000)),
    );
    expect(await vaultRecordCount(page)).toBe(3);
    expect(await dumpIndexedDb(page)).not.toContain(renewed.secret);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses an incomplete or mixed Google Authenticator export and stores nothing', async () => {
    const { context, page, errors } = await openContext(env.browser);
    const many = Array.from({ length: 12 }, (_, i) => ({
      ...ann,
      label: `user${i}`,
      secret: generateSecret(),
    }));
    const [first, second] = encodeMigrationUris(many, { batchId: 11 }) as [string, string];
    const [, foreign] = encodeMigrationUris(many, { batchId: 12 }) as [string, string];
    const upload = (text: string) =>
      page.locator('#import-file').setInputFiles({
        name: 'export.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from(text),
      });
    await page.goto(`${env.app.url}#/backup`);
    const alert = page.locator('backup-page [role="alert"]');
    await upload(first);
    await expect.poll(() => alert.textContent()).toContain('1 of 2 parts; part 2 is missing');
    await upload(`${first}\n${foreign}`);
    await expect.poll(() => alert.getAttribute('data-code')).toBe('FOREIGN_PART');
    await upload('just some notes\n');
    await expect.poll(() => alert.getAttribute('data-code')).toBe('UNRECOGNISED_FILE');
    expect(await vaultRecordCount(page)).toBe(0);
    await upload(`${second}\n${first}`);
    await expect
      .poll(() => page.locator('account-preview [data-testid="import-summary"]').textContent())
      .toBe('12 new, 0 already present, 0 unsupported');
    await confirmAdd(page);
    expect(await vaultRecordCount(page)).toBe(12);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the storage answer in Settings, and again after asking', async () => {
    const { context, page, errors } = await openContext(env.browser);
    await page.goto(`${env.app.url}#/settings`);
    const answer = page.locator('[data-testid="storage-answer"]');
    await expect.poll(async () => saysAnswer(await answer.textContent())).toBe(true);
    const ask = page.getByRole('button', { name: 'Keep my accounts stored' });
    if (await ask.count()) {
      // Not kept yet: asking must show the new answer, and a refusal must say so.
      await ask.click();
      await expect
        .poll(async () => {
          const text = (await answer.textContent()) ?? '';
          return text.includes(PERSISTENCE_WORDS.kept) || text.startsWith('The browser said no.');
        })
        .toBe(true);
    } else {
      expect(await answer.textContent()).toContain(PERSISTENCE_WORDS.kept);
    }
    expect(await page.locator('[data-testid="last-backup"]').textContent()).toBe(
      'Last backup: never.',
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('adds a Google Authenticator export part by part from QR images, refusing a part of another export', async () => {
    const { context, page, errors } = await openContext(env.browser);
    const many = Array.from({ length: 12 }, (_, i) => ({
      ...ann,
      label: `user${i}`,
      secret: generateSecret(),
    }));
    const [first, second] = encodeMigrationUris(many, { batchId: 21 }) as [string, string];
    const [, foreign] = encodeMigrationUris(many, { batchId: 22 }) as [string, string];
    const upload = async (text: string) =>
      page.locator('qr-image-input input[type="file"]').setInputFiles({
        name: 'qr.png',
        mimeType: 'image/png',
        buffer: await qrPng(text),
      });
    await openAddTab(page, env.app.url, 'image');
    const status = page.locator('add-page [data-testid="parts-status"]');
    await upload(second);
    await expect.poll(() => status.textContent()).toContain('1 of 2 scanned');
    expect(await status.textContent()).toContain('part 1 is missing');
    await upload(foreign);
    await expect
      .poll(() => page.locator('add-page [role="alert"]').getAttribute('data-code'))
      .toBe('FOREIGN_PART');
    expect(await status.textContent()).toContain('1 of 2 scanned');
    expect(await vaultRecordCount(page)).toBe(0);
    await upload(first);
    await expect
      .poll(() => page.locator('account-preview h2').textContent())
      .toBe('Add 12 accounts?');
    await confirmAdd(page);
    expect(await vaultRecordCount(page)).toBe(12);
    expect((await shownNames(page)).slice(0, 2)).toEqual(['ACME (user0)', 'ACME (user1)']);
    expect(errors).toEqual([]);
    await context.close();
  });
});
