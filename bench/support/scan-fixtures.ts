/**
 * The scan benchmark's image set: at least 200 QR pictures in named categories, made from a
 * fixed seed by {@link makeScanFixtures} and kept in a cache folder (PNG, or JPEG for the JPEG
 * category) with an `index.json` saying what each holds. `scripts/make-scan-fixtures.ts` writes
 * them; `bench/scan.bench.ts` reads them.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { encodeMigrationUris, formatKeyUri, type OtpAccount } from '../../sdk/otp/index.ts';
import {
  encodeJpeg,
  fitInFrame,
  type PhotoOptions,
  qrModules,
  type RgbaPixels,
  renderPhoto,
  seededRandom,
  toRgba,
} from './qr-photo.ts';

/** Bump when the generator changes, so a stale cache is rebuilt. */
const FIXTURE_VERSION = 4;
const PER_CATEGORY = 20;

export const CATEGORIES = [
  'sizes',
  'screenshot',
  'rotation',
  'tilt',
  'blur',
  'low-contrast',
  'glare',
  'noise',
  'inverted',
  'jpeg',
  'dense-export',
  'negative',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** One fixture: its file and what a decoder must read from it (`null`: no OTP key in it). */
export interface ScanFixture {
  file: string;
  category: Category;
  expected: string | null;
  width: number;
  height: number;
}

export const DEFAULT_FIXTURE_DIR = join(process.cwd(), '.tmp', 'scan-fixtures');

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function between(random: () => number, low: number, high: number): number {
  return low + (high - low) * random();
}

const ISSUERS = ['ACME', 'GitHub', 'Example Bank', 'Contoso Mail', 'BMS', 'Fabrikam VPN'];
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomAccount(random: () => number, n: number): OtpAccount {
  const secretLength = pick(random, [16, 26, 32]);
  let secret = '';
  for (let i = 0; i < secretLength; i++) secret += BASE32[Math.floor(random() * 32)];
  return {
    type: 'totp',
    secret,
    issuer: pick(random, ISSUERS),
    label: `user${n}.${Math.floor(random() * 1e6)}@example.com`,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  };
}

function otpUri(random: () => number, n: number): string {
  return formatKeyUri(randomAccount(random, n));
}

/** A camera photo's everyday faults, on top of which each category adds its own. */
function photoBase(random: () => number): Partial<PhotoOptions> {
  return {
    blur: between(random, 0.3, 0.8),
    noise: between(random, 0.01, 0.03),
    shading: between(random, 0, 0.25),
    rotate: between(random, -6, 6),
    tiltX: between(random, -8, 8),
    tiltY: between(random, -8, 8),
    centre: [between(random, 0.4, 0.6), between(random, 0.4, 0.6)],
  };
}

interface Plan {
  text: string | null;
  options: PhotoOptions;
  expected: string | null;
  jpegQuality?: number;
}

function plan(category: Category, random: () => number, n: number): Plan {
  const text = otpUri(random, n);
  const frame = { width: 800, height: 600 };
  const sign = () => (random() < 0.5 ? -1 : 1);
  /**
   * A photo of `text`'s code, `min`–`max` px a side, with the everyday faults and `extra` (a
   * function when it draws random numbers: they come after the base's, as the seed expects).
   */
  const photo = (
    min: number,
    max: number,
    extra: Partial<PhotoOptions> | (() => Partial<PhotoOptions>) = {},
    shown: string | null = text,
  ): Plan => {
    const base = photoBase(random);
    const codeSide = between(random, min, max);
    const own = typeof extra === 'function' ? extra() : extra;
    return {
      text: shown,
      expected: shown,
      options: { ...frame, ...base, codeSide, ...own },
    };
  };
  switch (category) {
    case 'sizes': {
      // From a thumbnail (2 px a module) to a 3000 px phone photo.
      const width = pick(random, [120, 200, 320, 640, 1024, 1600, 3000]);
      const height = Math.round(width * pick(random, [1, 0.75]));
      // At least 2 px a module: below that the picture no longer holds the code (aliasing).
      const modules = qrModules(text).size;
      const codeSide = Math.max(2 * modules, Math.min(width, height) * between(random, 0.35, 0.8));
      return { text, expected: text, options: { width, height, codeSide, margin: 4 } };
    }
    case 'screenshot':
      return {
        text,
        expected: text,
        options: { ...frame, codeSide: between(random, 150, 300), clutter: true },
      };
    case 'rotation':
      return photo(220, 380, () => ({ rotate: sign() * between(random, 5, 30) }));
    case 'tilt':
      return photo(260, 400, () => ({
        tiltX: sign() * between(random, 15, 40),
        tiltY: sign() * between(random, 10, 35),
      }));
    case 'blur':
      return photo(250, 400, () => ({ blur: between(random, 1.5, 3.2) }));
    case 'low-contrast': {
      const mid = between(random, 0.35, 0.65);
      const spread = between(random, 0.1, 0.2);
      return photo(250, 400, { dark: mid - spread / 2, light: mid + spread / 2, noise: 0.01 });
    }
    case 'glare':
      return photo(260, 400, () => ({
        glare: {
          x: between(random, 0.2, 0.8),
          y: between(random, 0.2, 0.8),
          radius: between(random, 0.12, 0.25),
          strength: between(random, 0.6, 0.85),
        },
      }));
    case 'noise':
      return photo(260, 400, () => ({ noise: between(random, 0.15, 0.3) }));
    case 'inverted':
      return photo(220, 380, { inverted: true, dark: 0.08, light: 0.9 });
    case 'jpeg': {
      const jpegQuality = Math.round(between(random, 8, 25));
      return { ...photo(220, 360), jpegQuality };
    }
    case 'dense-export': {
      const accounts = Array.from({ length: 10 }, (_, i) => randomAccount(random, n * 10 + i));
      const [uri] = encodeMigrationUris(accounts, { batchId: n + 1, batchSize: 10 });
      const shot = photo(450, 650, {}, uri!);
      return { ...shot, options: { ...shot.options, width: 1024, height: 768 } };
    }
    case 'negative': {
      // A QR holding something else, or a picture with no code at all.
      const kind = n % 4;
      const other = [
        `https://example.com/login?session=${Math.floor(random() * 1e9)}`,
        `WIFI:T:WPA;S:Office-${n};P:correct horse battery;;`,
        'Just some text on a sticker',
      ][kind];
      const shot = photo(220, 380, { clutter: kind === 3 }, other ?? null);
      return { ...shot, expected: null };
    }
  }
}

/** A grey PNG (8-bit, one channel) of RGBA pixels whose channels are equal. */
export function greyPng(pixels: RgbaPixels): Buffer {
  const { width, height, data } = pixels;
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = data[(y * width + x) * 4]!;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const chunk = (type: string, body: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Makes the fixture set in `dir` unless an index of this generator version is already there.
 *
 * @returns the fixtures, in category order
 * @example const fixtures = await makeScanFixtures(); // .tmp/scan-fixtures/
 */
export async function makeScanFixtures(dir = DEFAULT_FIXTURE_DIR): Promise<ScanFixture[]> {
  const indexFile = join(dir, 'index.json');
  if (existsSync(indexFile)) {
    const index = JSON.parse(await readFile(indexFile, 'utf8')) as {
      version: number;
      fixtures: ScanFixture[];
    };
    if (index.version === FIXTURE_VERSION) return index.fixtures;
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const fixtures: ScanFixture[] = [];
  for (const [c, category] of CATEGORIES.entries()) {
    for (let n = 0; n < PER_CATEGORY; n++) {
      const random = seededRandom((c + 1) * 1000 + n);
      const { text, options, expected, jpegQuality } = plan(category, random, n);
      const modules = text === null ? { size: 0, data: new Uint8Array() } : qrModules(text);
      const placed = modules.size > 0 ? fitInFrame(options, modules.size) : options;
      const pixels = toRgba(renderPhoto(modules, placed, random));
      const name = `${category}-${String(n).padStart(2, '0')}`;
      const file =
        jpegQuality === undefined ? `${name}.png` : `${name}-q${String(jpegQuality)}.jpg`;
      const bytes = jpegQuality === undefined ? greyPng(pixels) : encodeJpeg(pixels, jpegQuality);
      await writeFile(join(dir, file), bytes);
      fixtures.push({ file, category, expected, width: options.width, height: options.height });
    }
  }
  await writeFile(indexFile, JSON.stringify({ version: FIXTURE_VERSION, fixtures }, null, 1));
  return fixtures;
}

/**
 * A fixture's RGBA pixels, as a browser would decode its file.
 *
 * @example const pixels = await readFixturePixels(dir, fixture);
 */
export async function readFixturePixels(dir: string, fixture: ScanFixture): Promise<RgbaPixels> {
  const bytes = await readFile(join(dir, fixture.file));
  if (fixture.file.endsWith('.jpg')) {
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return {
      width: decoded.width,
      height: decoded.height,
      data: new Uint8ClampedArray(decoded.data),
    };
  }
  const { decodePng } = await import('../../sdk/testing/decode-png.ts');
  const png = decodePng(bytes);
  return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data) };
}
