import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { writeQrY4m } from '../support/qr-video.ts';
import { harnessEvents, openHarness } from './harness-server.ts';
import { photoQrPng } from './photo-qr.ts';
import {
  allowCamera,
  fakeCamera,
  frameLog,
  installFakeBarcodeDetector,
  mountScanner,
  recordWorkerFrames,
  status,
  trackStates,
  useScannerHarness,
} from './scanner-page.ts';

const uri =
  'otpauth://totp/Acme:ann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme&algorithm=SHA1&digits=6&period=30';

describe.skipIf(!browserAvailable)('<qr-scanner> reading QR codes in Chromium', () => {
  const fixture = useScannerHarness();

  describe('with a camera filming an otpauth QR code', () => {
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      const video = join(fixture.dir, 'qr.y4m');
      // A 720p camera, so frames must be shrunk before the decoder sees them.
      await writeQrY4m(uri, video, { width: 1280, height: 720 });
      browser = await launchChromium([
        ...fakeCamera,
        allowCamera,
        `--use-file-for-fake-video-capture=${video}`,
      ]);
      page = await browser.newPage();
      await page.addInitScript(recordWorkerFrames);
      await openHarness(page, fixture.harness.url);
    });
    afterAll(() => browser?.close());

    it('hands the worker frames at most 640 px wide, aspect ratio kept', async () => {
      await mountScanner(page);
      await expect.poll(() => harnessEvents(page), { timeout: 20_000 }).toHaveLength(1);
      const sizes = (await frameLog(page)).workerFrames;
      expect(sizes.length).toBeGreaterThan(0);
      for (const size of sizes) expect(size).toEqual({ width: 640, height: 360 });
      await page.evaluate(() => {
        window.harness.streams.length = 0;
      });
    });

    it('fires qr-detected with the exact URI and stops every camera track', async () => {
      await mountScanner(page);
      await expect
        .poll(() => harnessEvents(page), { timeout: 20_000 })
        .toEqual([{ type: 'qr-detected', detail: { text: uri } }]);
      expect(await trackStates(page)).toEqual([['ended']]);
      expect(await status(page)).toBe('QR code read');
      const preview = await page.evaluate(
        () =>
          document.querySelector('qr-scanner')?.shadowRoot?.querySelector('video')?.srcObject ??
          null,
      );
      expect(preview).toBeNull();
    });

    it('reads again after "Scan again", with a new stream that is stopped too', async () => {
      await page.getByRole('button', { name: 'Scan again' }).click();
      await expect
        .poll(() => harnessEvents(page), { timeout: 20_000 })
        .toEqual([
          { type: 'qr-detected', detail: { text: uri } },
          { type: 'qr-detected', detail: { text: uri } },
        ]);
      expect(await trackStates(page)).toEqual([['ended'], ['ended']]);
    });
  });

  describe('with a camera filming a tilted, blurred, low-contrast photo of the code', () => {
    let browser: Browser;
    afterAll(() => browser?.close());

    it('reads it, where jsqr alone reads nothing', async () => {
      const { png, jsqrReads } = photoQrPng(uri);
      expect(jsqrReads).toBe(false);
      const video = join(fixture.dir, 'photo.y4m');
      await writeQrY4m(png, video);
      browser = await launchChromium([
        ...fakeCamera,
        allowCamera,
        `--use-file-for-fake-video-capture=${video}`,
      ]);
      const page = await browser.newPage();
      await openHarness(page, fixture.harness.url);
      await mountScanner(page);
      await expect
        .poll(() => harnessEvents(page), { timeout: 30_000 })
        .toEqual([{ type: 'qr-detected', detail: { text: uri } }]);
    });
  });

  describe('where the browser has a BarcodeDetector', () => {
    let browser: Browser;
    beforeAll(async () => {
      const video = join(fixture.dir, 'qr-native.y4m');
      await writeQrY4m(uri, video);
      browser = await launchChromium([
        ...fakeCamera,
        allowCamera,
        `--use-file-for-fake-video-capture=${video}`,
      ]);
    });
    afterAll(() => browser?.close());

    /** Opens the harness with a stand-in BarcodeDetector (Linux Chromium has none) reporting `formats`. */
    async function pageWithDetector(formats: string[]) {
      const page = await browser.newPage();
      await page.addInitScript(recordWorkerFrames);
      await page.addInitScript(installFakeBarcodeDetector, formats);
      await openHarness(page, fixture.harness.url);
      await mountScanner(page);
      return page;
    }

    it('uses it for qr_code, on live video frames, without starting the decoder worker', async () => {
      const page = await pageWithDetector(['ean_13', 'qr_code']);
      await expect
        .poll(() => harnessEvents(page), { timeout: 20_000 })
        .toEqual([{ type: 'qr-detected', detail: { text: 'from BarcodeDetector' } }]);
      const log = await frameLog(page);
      expect(log.detectorFormats).toEqual([['qr_code']]);
      expect(log.workers).toBe(0);
      expect(await trackStates(page)).toEqual([['ended']]);
      await page.close();
    });

    it('falls back to zxing-wasm in the worker when it cannot read QR codes', async () => {
      const page = await pageWithDetector(['ean_13']);
      await expect
        .poll(() => harnessEvents(page), { timeout: 20_000 })
        .toEqual([{ type: 'qr-detected', detail: { text: uri } }]);
      const log = await frameLog(page);
      expect(log.detectorFormats).toEqual([]);
      expect(log.workers).toBe(1);
      await page.close();
    });
  });
});
