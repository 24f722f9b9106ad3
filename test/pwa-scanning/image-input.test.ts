import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeJpeg } from '../../bench/support/qr-photo.ts';
import { decodePng } from '../../sdk/testing/decode-png.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { noQrPng, qrPng } from '../support/qr-image.ts';
import { type Harness, harnessEvents, openHarness, startHarness } from './harness-server.ts';
import { photoQrPng } from './photo-qr.ts';

const uri = 'otpauth://totp/Acme:ann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme&period=30';

/** Calls decodeQrFromImage in the page on these bytes; an error comes back as its code. */
function decodeInPage(page: Page, bytes: Buffer, type = 'image/png') {
  return page.evaluate(
    async ([base64, mime]) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      try {
        return { text: await window.harness.decodeQrFromImage(new Blob([data], { type: mime })) };
      } catch (error) {
        return { error: (error as { code?: string }).code ?? String(error) };
      }
    },
    [bytes.toString('base64'), type] as const,
  );
}

/** Hands a file to the page as a drop or a paste would: via a DataTransfer. */
function transfer(page: Page, bytes: Buffer, how: 'drop' | 'paste', type = 'image/png') {
  return page.evaluate(
    ([base64, mime, kind]) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const files = new DataTransfer();
      files.items.add(new File([data], 'qr.png', { type: mime }));
      if (kind === 'paste') {
        return document.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: files, bubbles: true, cancelable: true }),
        );
      }
      const zone = document.querySelector('qr-image-input')?.shadowRoot?.querySelector('.zone');
      if (!zone) throw new Error('no drop zone');
      zone.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: files, bubbles: true, cancelable: true }),
      );
      return zone.dispatchEvent(
        new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true }),
      );
    },
    [bytes.toString('base64'), type, how] as const,
  );
}

describe.skipIf(!browserAvailable)('reading a QR from an image, in Chromium', () => {
  let harness: Harness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    harness = await startHarness();
    browser = await launchChromium();
    page = await browser.newPage();
    // A standing listener keeps file-chooser interception on. Turned on only by each test's
    // waitForEvent, it races the key press on a loaded machine and the native dialog swallows it.
    page.on('filechooser', () => {});
    await openHarness(page, harness.url);
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('loads the elements without fetching the decoder on the main thread', async () => {
    const fresh = await browser.newPage();
    await openHarness(fresh, harness.url);
    const scripts = await fresh.evaluate(() =>
      performance.getEntriesByType('resource').map((entry) => entry.name),
    );
    expect(scripts.some((name) => name.includes('pwa/scanning/qr-image-input.ts'))).toBe(true);
    expect(scripts.filter((name) => /jsqr|zxing/i.test(name))).toEqual([]);
    await fresh.close();
  });

  describe('decodeQrFromImage', () => {
    it.each([
      ['a plain QR', {}],
      ['a light-on-dark (inverted) QR', { inverted: true }],
      ['a tiny QR, one pixel per module', { scale: 1, margin: 2 }],
      ['a 3000 px photo-sized QR', { width: 3000 }],
    ])('reads %s to the exact text', async (_name, options) => {
      expect(await decodeInPage(page, await qrPng(uri, options))).toEqual({ text: uri });
    });

    it('reads a code that only decodes once enlarged or shrunk', async () => {
      const text = 'otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7';
      expect(await decodeInPage(page, await qrPng(text, { scale: 1, margin: 1 }))).toEqual({
        text,
      });
    });

    it('reads a tilted, blurred, low-contrast photo as a JPEG, where jsqr alone reads nothing', async () => {
      const { png, jsqrReads } = photoQrPng(uri, 11);
      expect(jsqrReads).toBe(false);
      const { width, height, data } = decodePng(png);
      const jpeg = Buffer.from(
        encodeJpeg({ width, height, data: new Uint8ClampedArray(data) }, 40),
      );
      expect(await decodeInPage(page, jpeg, 'image/jpeg')).toEqual({ text: uri });
    });

    it('fetches the decoder and its wasm from our own origin only', async () => {
      const fresh = await browser.newPage();
      const requested: string[] = [];
      fresh.on('request', (request) => requested.push(request.url()));
      await openHarness(fresh, harness.url);
      expect(await decodeInPage(fresh, await qrPng(uri))).toEqual({ text: uri });
      expect(requested.filter((url) => !url.startsWith(harness.url))).toEqual([]);
      expect(requested.some((url) => /zxing_reader[^/]*\.wasm/.test(url))).toBe(true);
      await fresh.close();
    });

    it('returns null for a picture without a QR code', async () => {
      expect(await decodeInPage(page, noQrPng(300, 200))).toEqual({ text: null });
    });

    it('rejects with NOT_AN_IMAGE for bytes that are not an image', async () => {
      expect(await decodeInPage(page, Buffer.from('not a picture'), 'image/png')).toEqual({
        error: 'NOT_AN_IMAGE',
      });
    });
  });

  describe('<qr-image-input>', () => {
    beforeEach(async () => {
      await page.evaluate(() => {
        window.harness.events.length = 0;
        document.body.replaceChildren(document.createElement('qr-image-input'));
      });
    });

    const fileInput = () => page.locator('qr-image-input input[type=file]');
    const message = () => page.locator('qr-image-input .message');

    it('reads the image chosen with the "Choose an image" button', async () => {
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Choose an image' }).click();
      await (await chooser).setFiles({
        name: 'qr.png',
        mimeType: 'image/png',
        buffer: await qrPng(uri),
      });
      await expect
        .poll(() => harnessEvents(page))
        .toEqual([{ type: 'qr-detected', detail: { text: uri } }]);
      await expect.poll(() => message().textContent()).toBe('QR code read');
    });

    it('opens the picker from the keyboard', async () => {
      // Lit renders after a microtask; on a loaded machine Tab could otherwise land on nothing.
      await page.locator('qr-image-input button[part=button]').waitFor();
      await page.keyboard.press('Tab');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.tagName))
        .toBe('QR-IMAGE-INPUT');
      const chooser = page.waitForEvent('filechooser');
      await page.keyboard.press('Enter');
      expect((await chooser).isMultiple()).toBe(false);
    });

    it('labels the file input for assistive technology', async () => {
      await expect(fileInput().getAttribute('aria-label')).resolves.toBe('Choose an image');
      await expect(fileInput().getAttribute('accept')).resolves.toBe('image/*');
    });

    it('says "No QR code found in this image" and fires qr-not-found for a picture without one', async () => {
      await fileInput().setInputFiles({
        name: 'cat.png',
        mimeType: 'image/png',
        buffer: noQrPng(300, 200),
      });
      await expect
        .poll(() => harnessEvents(page))
        .toEqual([{ type: 'qr-not-found', detail: { code: 'NO_QR_FOUND' } }]);
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        'No QR code found in this image',
      );
    });

    it('explains that a non-image file is not an image, without decoding it', async () => {
      await fileInput().setInputFiles({
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from(uri),
      });
      await expect
        .poll(() => harnessEvents(page))
        .toEqual([{ type: 'qr-not-found', detail: { code: 'NOT_AN_IMAGE' } }]);
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        'This file is not an image',
      );
    });

    it('treats a corrupt image like a non-image file', async () => {
      await fileInput().setInputFiles({
        name: 'broken.png',
        mimeType: 'image/png',
        buffer: Buffer.from('PNG?'),
      });
      await expect
        .poll(() => harnessEvents(page))
        .toEqual([{ type: 'qr-not-found', detail: { code: 'NOT_AN_IMAGE' } }]);
    });

    it('reads an image dropped on the drop zone', async () => {
      const notCancelled = await transfer(page, await qrPng(uri, { inverted: true }), 'drop');
      expect(notCancelled).toBe(false); // the browser must not navigate to the dropped file
      await expect
        .poll(() => harnessEvents(page))
        .toEqual([{ type: 'qr-detected', detail: { text: uri } }]);
    });

    it('reads an image pasted anywhere on the page', async () => {
      expect(await transfer(page, await qrPng(uri), 'paste')).toBe(false);
      await expect
        .poll(() => harnessEvents(page))
        .toEqual([{ type: 'qr-detected', detail: { text: uri } }]);
    });

    it('leaves text pastes alone', async () => {
      const notCancelled = await page.evaluate(() => {
        const clipboardData = new DataTransfer();
        clipboardData.setData('text/plain', 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP');
        return document.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData, cancelable: true }),
        );
      });
      expect(notCancelled).toBe(true);
      expect(await harnessEvents(page)).toEqual([]);
    });

    it('stops listening for pastes once removed', async () => {
      await page.evaluate(() => document.querySelector('qr-image-input')?.remove());
      expect(await transfer(page, await qrPng(uri), 'paste')).toBe(true);
      // The listener would have called preventDefault synchronously: nobody took the image.
      expect(await harnessEvents(page)).toEqual([]);
    });

    it('shows "Reading image…" while the decode is under way', async () => {
      const png = await qrPng(uri, { width: 3000 });
      const seen = page.evaluate(
        () =>
          new Promise<string | null>((resolve) => {
            const root = document.querySelector('qr-image-input')?.shadowRoot;
            if (!root) return resolve(null);
            const observer = new MutationObserver(() => {
              const text = root.querySelector('.message')?.textContent ?? '';
              if (text.includes('Reading image')) {
                observer.disconnect();
                resolve(root.querySelector('[aria-busy=true]') ? text : null);
              }
            });
            observer.observe(root, { subtree: true, childList: true, characterData: true });
          }),
      );
      await fileInput().setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: png });
      expect(await seen).toBe('Reading image…');
      await expect.poll(() => message().textContent()).toBe('QR code read');
    });
  });
});
