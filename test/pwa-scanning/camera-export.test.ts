import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMigrationUris, generateSecret, type OtpAccount } from '../../sdk/otp/index.ts';
import { confirmAdd, openContext, vaultRecordCount } from '../pwa/support/app-page.ts';
import { buildApp } from '../pwa/support/build-app.ts';
import { type AppServer, serveApp } from '../pwa/support/static-server.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { writeQrSequenceY4m } from './qr-sequence.ts';

/** What the add screen showed right after each code the scanner reported. */
interface Seen {
  text: string;
  status: string | null;
  alert: string | null;
  preview: boolean;
}

function recordReads() {
  const seen: unknown[] = [];
  (window as unknown as { seen: unknown[] }).seen = seen;
  window.addEventListener('qr-detected', (event) => {
    const text = (event as CustomEvent<{ text: string }>).detail.text;
    const page = document.querySelector('app-shell')?.shadowRoot?.querySelector('add-page');
    void page?.updateComplete.then(() => {
      const root = page.shadowRoot;
      seen.push({
        text,
        status: root?.querySelector('[data-testid="parts-status"]')?.textContent ?? null,
        alert: root?.querySelector('[role="alert"]')?.getAttribute('data-code') ?? null,
        preview: root?.querySelector('account-preview') !== null,
      });
    });
  });
}

describe.skipIf(!browserAvailable)(
  'PWA: a Google Authenticator export scanned part by part from the camera',
  { timeout: 120_000 },
  () => {
    let app: AppServer;
    let dir: string;
    let browser: Browser;
    const accounts: OtpAccount[] = Array.from({ length: 25 }, (_, i) => ({
      type: 'totp',
      secret: generateSecret(),
      issuer: 'Export',
      label: `user${i}@example.com`,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    }));
    const parts = encodeMigrationUris(accounts, { batchId: 31 }) as [string, string, string];
    const foreign = encodeMigrationUris(accounts, { batchId: 32 })[1] as string;

    beforeAll(async () => {
      app = await serveApp(await buildApp());
      dir = mkdtempSync(join(tmpdir(), 'pwa-export-'));
      const video = join(dir, 'parts.y4m');
      // Part 1, a part of another export, part 1 again, then parts 2 and 3.
      await writeQrSequenceY4m([parts[0], foreign, parts[0], parts[1], parts[2]], video);
      browser = await launchChromium([
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ]);
    });
    afterAll(async () => {
      await browser?.close();
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('counts parts, ignores repeats, refuses the other export, previews once all are in', async () => {
      const { context, page, errors } = await openContext(browser, { permissions: ['camera'] });
      await page.addInitScript(recordReads);
      await page.goto(`${app.url}#/add?tab=scan`);
      await expect
        .poll(() => page.locator('account-preview h2').textContent(), { timeout: 90_000 })
        .toBe('Add 25 accounts?');
      const seen = (await page.evaluate(() => (window as unknown as { seen: Seen[] }).seen)).map(
        ({ text, status, alert, preview }) => ({
          part: text === foreign ? 'foreign' : `part ${parts.indexOf(text) + 1}`,
          status: status?.match(/\d+ of \d+ scanned/)?.[0] ?? null,
          alert,
          preview,
        }),
      );
      expect(seen).toEqual([
        { part: 'part 1', status: '1 of 3 scanned', alert: null, preview: false },
        { part: 'foreign', status: '1 of 3 scanned', alert: 'FOREIGN_PART', preview: false },
        { part: 'part 1', status: '1 of 3 scanned', alert: null, preview: false },
        { part: 'part 2', status: '2 of 3 scanned', alert: null, preview: false },
        // The preview opens after the vault is read, so not necessarily by this update.
        expect.objectContaining({ part: 'part 3', alert: null }),
      ]);
      await confirmAdd(page);
      expect(await vaultRecordCount(page)).toBe(25);
      expect(errors).toEqual([]);
      await context.close();
    });
  },
);
