/**
 * Draws the app icons (PNG 192/512, maskable 512, SVG) into public/icons/. Run after changing
 * the design: `node --import tsx pwa/tools/make-icons.ts`. The PNGs are committed; this script
 * only needs node:zlib.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BLUE = [27, 77, 140] as const;
const WHITE = [255, 255, 255] as const;

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** PNG (RGBA, 8 bit) from a pixel callback returning [r, g, b, a]. */
function png(size: number, pixel: (x: number, y: number) => readonly number[]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** The mark in unit coordinates, scaled by `s` around the centre: a countdown ring and a keyhole. */
function inMark(u: number, v: number, s: number): boolean {
  const x = (u - 0.5) / s;
  const y = (v - 0.5) / s;
  const r = Math.hypot(x, y);
  const angle = Math.atan2(y, x); // 0 = right, −π/2 = top
  const inGap = angle > -Math.PI / 2 && angle < -Math.PI / 6;
  if (r >= 0.3 && r <= 0.4 && !inGap) return true;
  if (Math.hypot(x, y + 0.05) <= 0.1) return true;
  const t = (y - 0.0) / 0.2;
  return t >= 0 && t <= 1 && Math.abs(x) <= 0.035 + 0.04 * t;
}

function inRoundedSquare(u: number, v: number, radius: number): boolean {
  const dx = Math.max(radius - u, u - (1 - radius), 0);
  const dy = Math.max(radius - v, v - (1 - radius), 0);
  return dx * dx + dy * dy <= radius * radius;
}

function icon(size: number, maskable: boolean): Buffer {
  const samples = 4;
  return png(size, (px, py) => {
    let bg = 0;
    let fg = 0;
    for (let i = 0; i < samples; i++) {
      for (let j = 0; j < samples; j++) {
        const u = (px + (i + 0.5) / samples) / size;
        const v = (py + (j + 0.5) / samples) / size;
        if (!(maskable || inRoundedSquare(u, v, 0.2))) continue;
        bg++;
        // Maskable icons keep the mark inside the 80% safe circle.
        if (inMark(u, v, maskable ? 0.72 : 1)) fg++;
      }
    }
    const n = samples * samples;
    if (bg === 0) return [0, 0, 0, 0];
    const f = fg / bg;
    const mix = (k: 0 | 1 | 2) => Math.round((BLUE[k] ?? 0) * (1 - f) + (WHITE[k] ?? 0) * f);
    return [mix(0), mix(1), mix(2), Math.round((255 * bg) / n)];
  });
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" role="img" aria-label="MFA Companion">
  <title>MFA Companion</title>
  <rect width="100" height="100" rx="20" fill="#1b4d8c"/>
  <path d="M50 15 A35 35 0 1 0 80.31 32.5" fill="none" stroke="#fff" stroke-width="10"/>
  <circle cx="50" cy="45" r="10" fill="#fff"/>
  <path d="M46.5 50 L53.5 50 L57.5 70 L42.5 70 Z" fill="#fff"/>
</svg>
`;

const dir = new URL('../../public/icons/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('icon-192.png', dir), icon(192, false));
writeFileSync(new URL('icon-512.png', dir), icon(512, false));
writeFileSync(new URL('maskable-512.png', dir), icon(512, true));
writeFileSync(new URL('icon.svg', dir), svg);
console.log('icons written to public/icons/');
