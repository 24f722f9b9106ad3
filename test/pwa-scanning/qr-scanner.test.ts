import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { writeQrY4m } from '../support/qr-video.ts';
import { type Harness, harnessEvents, openHarness, startHarness } from './harness-server.ts';

const uri =
  'otpauth://totp/Acme:ann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme&algorithm=SHA1&digits=6&period=30';
const fakeCamera = ['--use-fake-device-for-media-stream'];
const allowCamera = '--use-fake-ui-for-media-stream';

/** Puts a fresh `<qr-scanner>` on the page (it opens the camera on connect). */
function mountScanner(page: Page, alternatives = false) {
  return page.evaluate((withAlternatives) => {
    window.harness.events.length = 0;
    const scanner = document.createElement('qr-scanner');
    if (withAlternatives) {
      scanner.innerHTML = '<button slot="alternatives">Type the key instead</button>';
    }
    document.body.replaceChildren(scanner);
  }, alternatives);
}

/** readyState of every track of every stream the page was given, in order. */
function trackStates(page: Page) {
  return page.evaluate(() =>
    window.harness.streams.map((stream) => stream.getTracks().map((track) => track.readyState)),
  );
}

/** Text of the element with `role`, whitespace collapsed as a screen reader would read it. */
async function spoken(page: Page, role: 'status' | 'alert'): Promise<string> {
  return ((await page.getByRole(role).textContent()) ?? '').replace(/\s+/g, ' ').trim();
}
interface FrameLog {
  workers: number;
  workerFrames: { width: number; height: number }[];
  detectorFormats: string[][];
}

function frameLog(page: Page): Promise<FrameLog> {
  return page.evaluate(() => {
    const { workers, workerFrames, detectorFormats } = window as unknown as FrameLog;
    return { workers, workerFrames, detectorFormats };
  });
}

/** Init script: counts workers and records the size of each frame posted to one (not altering it). */
function recordWorkerFrames() {
  const log = window as unknown as FrameLog;
  log.workers = 0;
  log.workerFrames = [];
  log.detectorFormats = [];
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      log.workers += 1;
    }
    override postMessage(message: unknown, transfer?: unknown): void {
      const { width, height } = message as { width: number; height: number };
      log.workerFrames.push({ width, height });
      super.postMessage(message, transfer as Transferable[]);
    }
  };
}

/** Init script: a BarcodeDetector that answers for any real video frame. */
function installFakeBarcodeDetector(supported: string[]) {
  const log = window as unknown as FrameLog;
  class FakeBarcodeDetector {
    static getSupportedFormats() {
      return Promise.resolve(supported);
    }
    constructor(options: { formats: string[] }) {
      log.detectorFormats.push(options.formats);
    }
    detect(source: unknown) {
      const frame = source instanceof HTMLVideoElement && source.videoWidth > 0;
      return Promise.resolve(frame ? [{ rawValue: 'from BarcodeDetector' }] : []);
    }
  }
  Object.assign(window, { BarcodeDetector: FakeBarcodeDetector });
}

const status = (page: Page) => spoken(page, 'status');
const alert = (page: Page) => spoken(page, 'alert');

describe.skipIf(!browserAvailable)('<qr-scanner> in Chromium', () => {
  let harness: Harness;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qr-scanner-'));
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('with a camera filming an otpauth QR code', () => {
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      const video = join(dir, 'qr.y4m');
      // A 720p camera, so frames must be shrunk before jsqr sees them.
      await writeQrY4m(uri, video, { width: 1280, height: 720 });
      browser = await launchChromium([
        ...fakeCamera,
        allowCamera,
        `--use-file-for-fake-video-capture=${video}`,
      ]);
      page = await browser.newPage();
      await page.addInitScript(recordWorkerFrames);
      await openHarness(page, harness.url);
    });
    afterAll(() => browser?.close());

    it('hands jsqr frames at most 640 px wide, aspect ratio kept', async () => {
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

  describe('where the browser has a BarcodeDetector', () => {
    let browser: Browser;
    beforeAll(async () => {
      const video = join(dir, 'qr-native.y4m');
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
      await openHarness(page, harness.url);
      await mountScanner(page);
      return page;
    }

    it('uses it for qr_code, on live video frames, without starting the jsqr worker', async () => {
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

    it('falls back to jsqr in the worker when it cannot read QR codes', async () => {
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

  describe('with a camera filming a blank wall', () => {
    let browser: Browser;
    let allowed: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      const video = join(dir, 'blank.y4m');
      await writeQrY4m({ size: 0, data: [] }, video);
      // No fake-UI flag: each context decides, as a person answering the prompt would.
      browser = await launchChromium([...fakeCamera, `--use-file-for-fake-video-capture=${video}`]);
      allowed = await browser.newContext();
      await allowed.grantPermissions(['camera']);
      page = await allowed.newPage();
      await openHarness(page, harness.url);
    });
    afterAll(() => browser?.close());

    beforeEach(async () => {
      await page.evaluate(() => {
        for (const stream of window.harness.streams.splice(0)) {
          for (const track of stream.getTracks()) track.stop();
        }
      });
      await mountScanner(page);
      await expect.poll(() => status(page)).toBe('Point the camera at the QR code');
    });

    it('shows a live preview with a framing guide, a status line and a Cancel button', async () => {
      expect(await trackStates(page)).toEqual([['live']]);
      const preview = () =>
        page.evaluate(() => {
          const root = document.querySelector('qr-scanner')?.shadowRoot;
          const video = root?.querySelector('video');
          return {
            playing: video?.srcObject instanceof MediaStream && video.videoWidth > 0,
            guide: root?.querySelector('[part=guide]') !== null,
          };
        });
      await expect.poll(preview).toEqual({ playing: true, guide: true });
      expect(await page.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(true);
    });

    it('stops the camera on Cancel and tells the host', async () => {
      await page.getByRole('button', { name: 'Cancel' }).click();
      expect(await trackStates(page)).toEqual([['ended']]);
      expect(await harnessEvents(page)).toEqual([{ type: 'scan-cancel', detail: null }]);
      expect(await status(page)).toBe('Camera off');
    });

    it('stops the camera when removed from the page', async () => {
      await page.evaluate(() => document.querySelector('qr-scanner')?.remove());
      expect(await trackStates(page)).toEqual([['ended']]);
    });

    it('stops the camera while the page is hidden and reopens it when visible again', async () => {
      // Headless Chromium never hides a page, so only the visibility state is overridden.
      const setHidden = (hidden: boolean) =>
        page.evaluate((value) => {
          Object.defineProperty(document, 'visibilityState', {
            configurable: true,
            get: () => (value ? 'hidden' : 'visible'),
          });
          Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
          document.dispatchEvent(new Event('visibilitychange'));
        }, hidden);
      await setHidden(true);
      expect(await trackStates(page)).toEqual([['ended']]);
      await expect.poll(() => status(page)).toContain('Camera paused');
      await setHidden(false);
      await expect.poll(() => trackStates(page)).toEqual([['ended'], ['live']]);
      await expect.poll(() => status(page)).toBe('Point the camera at the QR code');
      await page.evaluate(() => {
        Reflect.deleteProperty(document, 'visibilityState');
        Reflect.deleteProperty(document, 'hidden');
      });
    });

    it('stops a camera that opens only after the element was already removed', async () => {
      await page.evaluate(() => {
        for (const stream of window.harness.streams.splice(0)) {
          for (const track of stream.getTracks()) track.stop();
        }
        const scanner = document.createElement('qr-scanner');
        document.body.replaceChildren(scanner);
        scanner.remove(); // getUserMedia is still pending here
      });
      await expect.poll(() => trackStates(page)).toEqual([['ended']]);
    });

    it('says the camera is busy, and "Try again" opens it once it is free', async () => {
      const busyPage = await allowed.newPage();
      await busyPage.addInitScript(() => {
        const media = navigator.mediaDevices;
        const real = media.getUserMedia.bind(media);
        let busy = true;
        Object.assign(window, { freeCamera: () => (busy = false) });
        // Only the device's answer is replaced: another app holds the camera.
        media.getUserMedia = (constraints) =>
          busy
            ? Promise.reject(new DOMException('Could not start video source', 'NotReadableError'))
            : real(constraints);
      });
      await openHarness(busyPage, harness.url);
      await mountScanner(busyPage);
      await expect
        .poll(() => harnessEvents(busyPage))
        .toEqual([
          { type: 'scan-error', detail: { code: 'CAMERA_BUSY', message: expect.any(String) } },
        ]);
      expect(await alert(busyPage)).toContain('in use by another app');
      await busyPage.evaluate(() => (window as unknown as { freeCamera(): void }).freeCamera());
      await busyPage.getByRole('button', { name: 'Try again' }).click();
      await expect.poll(() => status(busyPage)).toBe('Point the camera at the QR code');
      expect(await trackStates(busyPage)).toEqual([['live']]);
      await busyPage.close();
    });

    it('shows the denial, offers the other ways to add, and fires PERMISSION_DENIED', async () => {
      const denied = await browser.newContext(); // no camera permission granted
      const deniedPage = await denied.newPage();
      await openHarness(deniedPage, harness.url);
      await mountScanner(deniedPage, true);
      await expect
        .poll(() => harnessEvents(deniedPage))
        .toEqual([
          {
            type: 'scan-error',
            detail: { code: 'PERMISSION_DENIED', message: expect.stringContaining('denied') },
          },
        ]);
      expect(await alert(deniedPage)).toContain('Camera access was denied');
      expect(
        await deniedPage.getByRole('button', { name: 'Type the key instead' }).isVisible(),
      ).toBe(true);
      expect(await deniedPage.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
      expect(await trackStates(deniedPage)).toEqual([]);
      await denied.close();
    });
  });

  describe('without a usable camera', () => {
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      // No fake device: this machine has no camera at all. The resolver rule gives the same
      // server a non-local name, which browsers do not treat as a secure context.
      browser = await launchChromium([
        allowCamera,
        '--host-resolver-rules=MAP insecure.test 127.0.0.1',
      ]);
      page = await browser.newPage();
    });
    afterAll(() => browser?.close());

    it('says no camera was found and fires NO_CAMERA', async () => {
      await openHarness(page, harness.url);
      await mountScanner(page);
      await expect
        .poll(() => harnessEvents(page))
        .toEqual([
          { type: 'scan-error', detail: { code: 'NO_CAMERA', message: expect.any(String) } },
        ]);
      expect(await alert(page)).toContain('No camera was found');
      expect(await alert(page)).toContain('pasting its otpauth:// link');
    });

    it('explains that http is not enough and fires INSECURE_CONTEXT', async () => {
      await openHarness(page, `http://insecure.test:${harness.port}/`);
      expect(await page.evaluate(() => isSecureContext)).toBe(false);
      await mountScanner(page);
      await expect
        .poll(() => harnessEvents(page))
        .toEqual([
          { type: 'scan-error', detail: { code: 'INSECURE_CONTEXT', message: expect.any(String) } },
        ]);
      expect(await alert(page)).toContain('secure (https) connection');
    });
  });
});
