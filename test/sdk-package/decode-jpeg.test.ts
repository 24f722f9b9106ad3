/**
 * `decodeJpeg` (sdk/testing) and JPEG input of the CLI, on JPEGs Chromium writes (its
 * screenshots are libjpeg-turbo baseline files, 4:2:0): the luma agrees with Chromium's own
 * decoding of the same file, a QR photographed this way reads at high and low quality, and
 * `mfa-companion code`/`decode` take the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { decodeJpeg, readQr } from '../../sdk/testing/index.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { buildSdk } from '../support/build-once.ts';
import { runCli } from './support/run-cli.ts';

const uri =
  'otpauth://totp/Acme%20BMS:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Acme%20BMS';

describe.skipIf(!browserAvailable)('decodeJpeg on Chromium’s JPEGs', { timeout: 60_000 }, () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 333, height: 251 } });
    dir = mkdtempSync(join(tmpdir(), 'mfa-jpeg-'));
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Chromium's decoding of a JPEG, as grey (BT.601 luma) per pixel. */
  async function browserLuma(jpeg: Buffer): Promise<number[]> {
    return page.evaluate(async (b64) => {
      const image = new Image();
      image.src = `data:image/jpeg;base64,${b64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const out: number[] = [];
      for (let i = 0; i < data.length; i += 4)
        out.push(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!);
      return out;
    }, jpeg.toString('base64'));
  }

  it('gives the luma Chromium decodes, at odd sizes, in colour', async () => {
    await page.setContent(
      `<body style="margin:0;background:linear-gradient(90deg,#e53935,#1e88e5 60%,#fdd835)">
        <h1 style="font:bold 40px serif;color:#1b5e20">Jpeg 0123</h1><p>small text, fine lines</p></body>`,
    );
    const jpeg = await page.screenshot({ type: 'jpeg', quality: 75 });
    const ours = decodeJpeg(jpeg);
    expect([ours.width, ours.height]).toEqual([333, 251]);
    const theirs = await browserLuma(jpeg);
    let total = 0;
    for (let i = 0; i < theirs.length; i++) total += Math.abs((ours.data[i * 4] ?? 0) - theirs[i]!);
    expect(total / theirs.length).toBeLessThan(2);
  });

  it.each([90, 30])('reads a QR from a JPEG screenshot at quality %i', async (quality) => {
    await page.setContent(`<img src="${await QRCode.toDataURL(uri, { width: 240 })}">`);
    expect(readQr(decodeJpeg(await page.screenshot({ type: 'jpeg', quality })))).toBe(uri);
  });

  it('lets the CLI take a JPEG for code and decode, and refuses a truncated one', async () => {
    await page.setContent(`<img src="${await QRCode.toDataURL(uri, { width: 240 })}">`);
    const jpeg = await page.screenshot({ type: 'jpeg', quality: 80 });
    const path = join(dir, 'qr.jpg');
    writeFileSync(path, jpeg);
    const bin = join(await buildSdk(), 'dist/cli/main.js');
    const at = '2025-03-04T05:06:07Z';
    const code = await runCli(bin, ['code', path, '--at', at]);
    expect(code.stdout).toBe(
      `${generateCode(parseKeyUri(uri), Date.parse(at))}  23 s left  Acme BMS:ada@example.com\n`,
    );
    expect((await runCli(bin, ['decode', path])).stdout.trim()).toBe(uri);
    const cut = join(dir, 'cut.jpg');
    writeFileSync(cut, jpeg.subarray(0, 400));
    const refused = await runCli(bin, ['decode', cut]);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain('not a readable JPEG');
  });
});
