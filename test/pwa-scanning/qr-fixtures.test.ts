import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../sdk/testing/decode-png.ts';
import { noQrPng, qrPng } from '../support/qr-image.ts';
import { writeQrY4m } from '../support/qr-video.ts';

const uri = 'otpauth://totp/Acme:ann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme';

function readPng(png: Buffer): string | null {
  const { width, height, data } = decodePng(png);
  // Always name the option: jsqr 1.4 keeps options from earlier calls in a shared default object.
  return (
    jsQR(new Uint8ClampedArray(data), width, height, { inversionAttempts: 'attemptBoth' })?.data ??
    null
  );
}

describe('qrPng', () => {
  it('draws a QR that reads back to the exact text', async () => {
    expect(readPng(await qrPng(uri))).toBe(uri);
  });

  it('draws light modules on a dark background when inverted', async () => {
    const png = await qrPng(uri, { inverted: true });
    const { data } = decodePng(png);
    expect(data[0]).toBe(0); // the quiet zone corner is dark
    const normalOnly = decodePng(png);
    expect(
      jsQR(new Uint8ClampedArray(normalOnly.data), normalOnly.width, normalOnly.height, {
        inversionAttempts: 'dontInvert',
      }),
    ).toBeNull();
    expect(readPng(png)).toBe(uri);
  });

  it('sizes the picture by scale or by width', async () => {
    const small = decodePng(await qrPng(uri, { scale: 1, margin: 1 }));
    const large = decodePng(await qrPng(uri, { width: 3000 }));
    expect(small.width).toBeLessThan(70);
    expect(large.width).toBe(3000);
  });
});

describe('noQrPng', () => {
  it('is a readable PNG without a QR in it', () => {
    const image = decodePng(noQrPng(120, 80));
    expect([image.width, image.height]).toEqual([120, 80]);
    const { width, height, data } = image;
    expect(
      jsQR(new Uint8ClampedArray(data), width, height, { inversionAttempts: 'attemptBoth' }),
    ).toBeNull();
  });
});

describe('writeQrY4m', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qr-y4m-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Reads the first frame's luma plane as RGBA, as a camera would deliver it. */
  async function firstFrame(path: string) {
    const file = await readFile(path);
    const headerEnd = file.indexOf(0x0a);
    const header = file.subarray(0, headerEnd).toString('latin1');
    const [, width, height] = header.match(/^YUV4MPEG2 W(\d+) H(\d+) /) ?? [];
    const w = Number(width);
    const h = Number(height);
    const frameStart = headerEnd + 1 + 'FRAME\n'.length;
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      const y = file[frameStart + i] ?? 0;
      rgba.set([y, y, y, 255], i * 4);
    }
    const frames = (file.length - headerEnd - 1) / ('FRAME\n'.length + (w * h * 3) / 2);
    return { header, w, h, rgba, frames };
  }

  it('writes a 640×480 4:2:0 video whose frames show the QR', async () => {
    const path = join(dir, 'qr.y4m');
    await writeQrY4m(uri, path, { frames: 2 });
    const { header, w, h, rgba, frames } = await firstFrame(path);
    expect(header).toContain('C420jpeg');
    expect([w, h, frames]).toEqual([640, 480, 2]);
    expect(jsQR(rgba, w, h, { inversionAttempts: 'attemptBoth' })?.data).toBe(uri);
  });

  it('films a PNG picture, inverted or larger than the frame', async () => {
    for (const [name, png] of [
      ['inverted.y4m', await qrPng(uri, { inverted: true })],
      ['large.y4m', await qrPng(uri, { width: 900 })],
    ] as const) {
      const path = join(dir, name);
      await writeQrY4m(png, path);
      const { w, h, rgba } = await firstFrame(path);
      expect(jsQR(rgba, w, h, { inversionAttempts: 'attemptBoth' })?.data).toBe(uri);
    }
  });

  it('films a blank wall when given no modules', async () => {
    const path = join(dir, 'blank.y4m');
    await writeQrY4m({ size: 0, data: [] }, path);
    const { w, h, rgba } = await firstFrame(path);
    expect(jsQR(rgba, w, h, { inversionAttempts: 'attemptBoth' })).toBeNull();
  });

  it('refuses a code too large for the frame', async () => {
    await expect(writeQrY4m(uri, join(dir, 'x.y4m'), { width: 32, height: 32 })).rejects.toThrow(
      'does not fit',
    );
  });
});
