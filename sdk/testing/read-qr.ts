import jsQR from 'jsqr';
import type { RgbaImage } from './decode-png.ts';
import { TestingError } from './testing-error.ts';

/**
 * Reads the text of the QR code in an RGBA image, as a phone's scanner would.
 *
 * @param image - RGBA pixels (e.g. from `decodePng`)
 * @returns the QR's text
 * @throws TestingError NO_QR_FOUND
 * @example readQr(decodePng(pngBytes)) // 'otpauth://totp/…'
 */
export function readQr({ width, height, data }: RgbaImage): string {
  // Transparent pixels count as the paper behind them (white), not as their stored colour.
  const flat = new Uint8ClampedArray(data.length);
  for (let i = 0; i < data.length; i += 4) {
    const alpha = (data[i + 3] ?? 255) / 255;
    for (let c = 0; c < 3; c++) flat[i + c] = (data[i + c] ?? 0) * alpha + 255 * (1 - alpha);
    flat[i + 3] = 255;
  }
  const found = jsQR(flat, width, height, { inversionAttempts: 'attemptBoth' });
  if (!found?.data) throw new TestingError('NO_QR_FOUND', 'no readable QR code in the image');
  return found.data;
}

/**
 * Rasterises a QR code drawn as SVG, at 4 px a module with a white margin, for {@link readQr}.
 * Understands the `qrcode` package's output (one stroked path of `M`/`m`/`h`/`H` runs on half
 * rows) and plain `<rect>` modules; nothing else, which keeps it small.
 *
 * @param svg - the SVG document text
 * @returns RGBA pixels
 * @throws TestingError INVALID_SVG
 * @example readQr(rasterizeQrSvg(setup.qrSvg))
 */
export function rasterizeQrSvg(svg: string): RgbaImage {
  const viewBox = /viewBox="\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"/.exec(svg);
  const size = viewBox ? Math.ceil(Number(viewBox[3])) : 0;
  if (!size || size > 1000) throw new TestingError('INVALID_SVG', 'no usable viewBox');
  const dark = new Uint8Array(size * size);
  const mark = (x: number, y: number) => {
    if (x >= 0 && y >= 0 && x < size && y < size) dark[Math.floor(y) * size + Math.floor(x)] = 1;
  };
  for (const [, d = ''] of svg.matchAll(/<path[^>]*\bstroke="[^"]*"[^>]*\bd="([^"]*)"/g)) {
    let x = 0;
    let y = 0;
    for (const [, command, args = ''] of d.matchAll(/([MmHh])([^MmHhVvZz]*)/g)) {
      const n = args
        .trim()
        .split(/[\s,]+/)
        .map(Number);
      if (command === 'M') [x, y] = [n[0] ?? 0, n[1] ?? 0];
      else if (command === 'm') [x, y] = [x + (n[0] ?? 0), y + (n[1] ?? 0)];
      else {
        const end = command === 'h' ? x + (n[0] ?? 0) : (n[0] ?? 0);
        for (let px = Math.min(x, end); px < Math.max(x, end); px++) mark(px, y);
        x = end;
      }
    }
  }
  for (const [rect = ''] of svg.matchAll(/<rect\b[^>]*>/g)) {
    const attr = (name: string) =>
      Number(new RegExp(`\\b${name}="([\\d.]+)"`).exec(rect)?.[1] ?? 0);
    if (/fill="(#fff|#ffffff|white|none)/i.test(rect)) continue;
    for (let dy = 0; dy < attr('height'); dy++) {
      for (let dx = 0; dx < attr('width'); dx++) mark(attr('x') + dx, attr('y') + dy);
    }
  }
  if (!dark.includes(1)) throw new TestingError('INVALID_SVG', 'no QR modules found');
  const scale = 4;
  const margin = 4 * scale;
  const width = size * scale + 2 * margin;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let py = 0; py < width; py++) {
    for (let px = 0; px < width; px++) {
      const mx = Math.floor((px - margin) / scale);
      const my = Math.floor((py - margin) / scale);
      if (mx >= 0 && my >= 0 && mx < size && my < size && dark[my * size + mx]) {
        data.fill(0, (py * width + px) * 4, (py * width + px) * 4 + 3);
      }
    }
  }
  return { width, height: width, data };
}
