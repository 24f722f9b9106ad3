import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { writeQrY4m } from '../support/qr-video.ts';
import { harnessEvents, openHarness } from './harness-server.ts';
import {
  alert,
  allowCamera,
  fakeCamera,
  mountScanner,
  status,
  trackStates,
  useScannerHarness,
} from './scanner-page.ts';

describe.skipIf(!browserAvailable)('<qr-scanner> camera states and failures in Chromium', () => {
  const fixture = useScannerHarness();

  describe('with a camera filming a blank wall', () => {
    let browser: Browser;
    let allowed: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      const video = join(fixture.dir, 'blank.y4m');
      await writeQrY4m({ size: 0, data: [] }, video);
      // No fake-UI flag: each context decides, as a person answering the prompt would.
      browser = await launchChromium([...fakeCamera, `--use-file-for-fake-video-capture=${video}`]);
      allowed = await browser.newContext();
      await allowed.grantPermissions(['camera']);
      page = await allowed.newPage();
      await openHarness(page, fixture.harness.url);
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

    it('shows no torch and no camera switch on a camera that offers neither', async () => {
      const offered = await page.evaluate(async () => {
        const track = window.harness.streams[0]?.getVideoTracks()[0];
        const devices = await navigator.mediaDevices.enumerateDevices();
        return {
          torch: 'torch' in (track?.getCapabilities() ?? {}),
          cameras: devices.filter((d) => d.kind === 'videoinput').length,
        };
      });
      expect(offered).toEqual({ torch: false, cameras: 1 });
      await expect.poll(() => page.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: 'Torch' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Switch camera' }).count()).toBe(0);
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
      await openHarness(busyPage, fixture.harness.url);
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
      await openHarness(deniedPage, fixture.harness.url);
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
      await openHarness(page, fixture.harness.url);
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
      await openHarness(page, `http://insecure.test:${fixture.harness.port}/`);
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

  describe('on a device with two cameras, one with a torch', () => {
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      browser = await launchChromium([
        '--use-fake-device-for-media-stream=device-count=2',
        allowCamera,
      ]);
      page = await browser.newPage();
      // The fake camera has no torch: report one, and record what the scanner asks of it.
      await page.addInitScript(() => {
        const asked: unknown[] = [];
        (window as unknown as { torchAsked: unknown[] }).torchAsked = asked;
        const capabilities = MediaStreamTrack.prototype.getCapabilities;
        MediaStreamTrack.prototype.getCapabilities = function () {
          return { ...capabilities.call(this), torch: true } as MediaTrackCapabilities;
        };
        MediaStreamTrack.prototype.applyConstraints = async (constraints) => {
          asked.push(constraints);
        };
      });
      await openHarness(page, fixture.harness.url);
    });
    afterAll(() => browser?.close());

    it('toggles the torch through the track, announcing its state', async () => {
      await mountScanner(page);
      await expect.poll(() => status(page)).toBe('Point the camera at the QR code');
      const torch = page.getByRole('button', { name: 'Torch' });
      await torch.waitFor();
      expect(await torch.getAttribute('aria-pressed')).toBe('false');
      await torch.click();
      await expect.poll(() => torch.getAttribute('aria-pressed')).toBe('true');
      await torch.click();
      await expect.poll(() => torch.getAttribute('aria-pressed')).toBe('false');
      expect(
        await page.evaluate(() => (window as unknown as { torchAsked: unknown[] }).torchAsked),
      ).toEqual([{ advanced: [{ torch: true }] }, { advanced: [{ torch: false }] }]);
    });

    it('switches to the other camera and stops the first', async () => {
      const deviceOf = (i: number) =>
        page.evaluate(
          (at) => window.harness.streams[at]?.getVideoTracks()[0]?.getSettings().deviceId ?? null,
          i,
        );
      const first = await deviceOf(0);
      await page.getByRole('button', { name: 'Switch camera' }).click();
      await expect.poll(() => page.evaluate(() => window.harness.streams.length)).toBe(2);
      await expect.poll(() => status(page)).toBe('Point the camera at the QR code');
      expect(await deviceOf(1)).not.toBe(first);
      expect((await trackStates(page))[0]).toEqual(['ended']);
    });
  });
});
