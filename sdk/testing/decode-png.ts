import { inflateSync } from 'node:zlib';
import { TestingError } from './testing-error.ts';

/** A decoded image: `data` is RGBA, 4 bytes a pixel, rows top to bottom (what jsQR reads). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Samples a pixel, by PNG colour type (PNG spec §11.2.2). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes a non-interlaced PNG of any colour type and bit depth to RGBA, using only node:zlib.
 * Enough for the QR images of the `qrcode` package and for browser screenshots.
 *
 * @param bytes - the PNG file
 * @returns the pixels as RGBA
 * @throws TestingError INVALID_PNG for corrupt input, UNSUPPORTED_PNG for Adam7 interlacing
 * @see https://www.w3.org/TR/png-3/
 * @example const { width, height, data } = decodePng(await QRCode.toBuffer(uri));
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new TestingError('INVALID_PNG', 'not a PNG (bad signature)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = -1;
  let palette: Uint8Array = new Uint8Array(0);
  let paletteAlpha: Uint8Array = new Uint8Array(0);
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (data.length !== length) throw new TestingError('INVALID_PNG', `truncated ${type} chunk`);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      depth = data[8] ?? 0;
      colorType = data[9] ?? -1;
      if (data[12] !== 0) throw new TestingError('UNSUPPORTED_PNG', 'interlaced PNGs are not read');
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') paletteAlpha = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const channels = CHANNELS[colorType];
  if (!channels || width === 0 || height === 0 || ![1, 2, 4, 8, 16].includes(depth)) {
    throw new TestingError('INVALID_PNG', 'missing or invalid IHDR');
  }
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch {
    throw new TestingError('INVALID_PNG', 'image data does not inflate');
  }
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  if (raw.length < height * (rowBytes + 1))
    throw new TestingError('INVALID_PNG', 'image data too short');
  const rows = unfilter(raw, height, rowBytes, Math.max(1, (channels * depth) / 8));

  const data = new Uint8ClampedArray(width * height * 4);
  const maxSample = 2 ** depth - 1;
  for (let y = 0; y < height; y++) {
    const row = rows.subarray(y * rowBytes, (y + 1) * rowBytes);
    for (let x = 0; x < width; x++) {
      const sample = (c: number) => readSample(row, x * channels + c, depth);
      const scaled = (c: number) => Math.round((sample(c) * 255) / maxSample);
      let rgba: [number, number, number, number];
      if (colorType === 3) {
        const i = sample(0);
        rgba = [
          palette[i * 3] ?? 0,
          palette[i * 3 + 1] ?? 0,
          palette[i * 3 + 2] ?? 0,
          paletteAlpha[i] ?? 255,
        ];
      } else if (colorType === 0 || colorType === 4) {
        const g = scaled(0);
        rgba = [g, g, g, colorType === 4 ? scaled(1) : 255];
      } else {
        rgba = [scaled(0), scaled(1), scaled(2), colorType === 6 ? scaled(3) : 255];
      }
      data.set(rgba, (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/** Reverses the per-row filters (PNG spec §7.3, §9): None, Sub, Up, Average, Paeth. */
function unfilter(raw: Uint8Array, height: number, rowBytes: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * rowBytes);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)];
    const src = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    const row = y * rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? (out[row + i - bpp] ?? 0) : 0;
      const b = y > 0 ? (out[row - rowBytes + i] ?? 0) : 0;
      const c = y > 0 && i >= bpp ? (out[row - rowBytes + i - bpp] ?? 0) : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter ?? 0];
      if (predictor === undefined)
        throw new TestingError('INVALID_PNG', `unknown filter ${filter}`);
      out[row + i] = ((src[i] ?? 0) + predictor) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** The index-th sample of a row at the given bit depth (PNG samples are big-endian, MSB first). */
function readSample(row: Uint8Array, index: number, depth: number): number {
  if (depth === 8) return row[index] ?? 0;
  if (depth === 16) return ((row[index * 2] ?? 0) << 8) | (row[index * 2 + 1] ?? 0);
  const bit = index * depth;
  const byte = row[bit >> 3] ?? 0;
  return (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}
