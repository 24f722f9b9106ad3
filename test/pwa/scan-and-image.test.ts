import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { noQrPng, qrPng } from '../support/qr-image.ts';
import { writeQrY4m } from '../support/qr-video.ts';
import {
  confirmAdd,
  openAddTab,
  openContext,
  shownCodes,
  vaultRecordCount,
} from './support/app-page.ts';
import { buildApp } from './support/build-app.ts';
import { type AppServer, serveApp } from './support/static-server.ts';

const uri = 'otpauth://totp/ACME:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME';
const T = Date.UTC(2033, 3, 4, 5, 6, 7);
const fakeCamera = '--use-fake-device-for-media-stream';

async function upload(page: Page, png: Buffer): Promise<void> {
  await page
    .locator('qr-image-input input[type="file"]')
    .setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: png });
}

describe.skipIf(!browserAvailable)(
  'PWA: adding by camera and by QR image',
  { timeout: 90_000 },
  () => {
    let app: AppServer;
    let dir: string;
    const browsers: Browser[] = [];

    beforeAll(async () => {
      app = await serveApp(await buildApp());
      dir = mkdtempSync(join(tmpdir(), 'pwa-scan-'));
    });
    afterAll(async () => {
      for (const b of browsers) await b.close();
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function cameraFilming(text: string): Promise<Browser> {
      const video = join(dir, `${browsers.length}.y4m`);
      await writeQrY4m(text, video);
      // No fake-UI flag: each context grants or refuses the camera, as a person would.
      const browser = await launchChromium([
        fakeCamera,
        `--use-file-for-fake-video-capture=${video}`,
      ]);
      browsers.push(browser);
      return browser;
    }

    it('adds the account the camera films, with no other input, and stops the camera', async () => {
      const browser = await cameraFilming(uri);
      const { context, page, errors } = await openContext(browser, { permissions: ['camera'] });
      await context.clock.install({ time: T - 60_000 });
      // Record the camera tracks the app opens, to see that it closes them.
      await page.addInitScript(() => {
        const media = navigator.mediaDevices;
        const open = media.getUserMedia.bind(media);
        const tracks: MediaStreamTrack[] = [];
        (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks = tracks;
        media.getUserMedia = async (constraints) => {
          const stream = await open(constraints);
          tracks.push(...stream.getTracks());
          return stream;
        };
      });
      await page.goto(`${app.url}#/add`);
      await page.locator('account-preview').waitFor({ timeout: 30_000 });
      const tracks = await page.evaluate(() =>
        (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks.map(
          (t) => t.readyState,
        ),
      );
      expect(tracks.length).toBeGreaterThan(0);
      expect(tracks.every((state) => state === 'ended')).toBe(true);
      await context.clock.pauseAt(T);
      await confirmAdd(page);
      expect(await shownCodes(page)).toEqual([generateCode(parseKeyUri(uri), T)]);
      expect(errors).toEqual([]);
      await context.close();
    });

    it('explains a refused camera and offers the other ways to add', async () => {
      const browser = browsers[0] ?? (await cameraFilming(uri));
      const { context, page } = await openContext(browser); // camera permission not granted
      await page.goto(`${app.url}#/add`);
      const error = page.locator('qr-scanner [part="error"]');
      await error.waitFor();
      expect(await error.textContent()).toContain('denied');
      await page.getByRole('button', { name: 'Paste a link' }).click();
      await page.getByLabel('Key link').waitFor();
      expect(await vaultRecordCount(page)).toBe(0);
      await context.close();
    });

    it('reports a filmed QR code that is not a key, and never opens it', async () => {
      const browser = await cameraFilming('https://example.com/phishing');
      const { context, page } = await openContext(browser, { permissions: ['camera'] });
      const popups: string[] = [];
      context.on('page', (p) => popups.push(p.url()));
      await page.goto(`${app.url}#/add`);
      const alert = page.locator('add-page [data-code="NOT_A_KEY"]');
      await alert.first().waitFor({ timeout: 30_000 });
      expect(await alert.first().textContent()).toContain(
        'This QR code is not an authenticator key',
      );
      // The camera stays on for the right code; no "QR code read" beside the refusal.
      expect(await page.locator('qr-scanner [part="status"]').textContent()).toBe(
        'Point the camera at the QR code',
      );
      expect(page.url()).toMatch(/\/app\/#\/add$/);
      expect(popups).toEqual([]);
      expect(await vaultRecordCount(page)).toBe(0);
      await context.close();
    });

    it('adds from an uploaded QR image, and explains images without a key', async () => {
      const browser = browsers[0] ?? (await cameraFilming(uri));
      const { context, page, errors } = await openContext(browser);
      await context.clock.install({ time: T - 60_000 });
      await openAddTab(page, app.url, 'image');
      await upload(page, noQrPng(300, 200));
      await expect
        .poll(() => page.locator('qr-image-input [part="message"]').textContent())
        .toContain('No QR code found');
      await upload(page, await qrPng('just some text'));
      await expect.poll(() => page.locator('add-page [data-code="NOT_A_KEY"]').count()).toBe(1);
      expect(await page.locator('qr-image-input [part="message"]').textContent()).not.toContain(
        'QR code read',
      );
      await upload(page, await qrPng(uri, { inverted: true }));
      await page.locator('account-preview').waitFor();
      await context.clock.pauseAt(T);
      await confirmAdd(page);
      expect(await shownCodes(page)).toEqual([generateCode(parseKeyUri(uri), T)]);
      expect(await vaultRecordCount(page)).toBe(1);
      expect(errors).toEqual([]);
      await context.close();
    });
  },
);
