import type { RgbaImage } from './decode-png.ts';
import { buildHuffman, type Component, decodeScan, type Huffman, invalid } from './jpeg-scan.ts';
import { TestingError } from './testing-error.ts';

/**
 * Decodes a baseline (sequential, Huffman) JPEG to greyscale RGBA from its first component —
 * the luma of a YCbCr picture, all a QR reader needs, so chroma is entropy-decoded (to keep the
 * stream in step) but never transformed. Enough for browser screenshots and camera pictures
 * saved as baseline; progressive and arithmetic-coded JPEGs are refused.
 *
 * @param bytes - the JPEG file
 * @returns the pixels as RGBA (grey)
 * @throws TestingError INVALID_JPEG for corrupt input, UNSUPPORTED_JPEG for progressive/lossless/arithmetic
 * @see ITU-T T.81 (JPEG), Annex F (sequential DCT decoding)
 * @example readQr(decodeJpeg(readFileSync('qr.jpg')))
 */
export function decodeJpeg(bytes: Uint8Array): RgbaImage {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw invalid('bad signature');
  const quant: Int32Array[] = [];
  const dc: Huffman[] = [];
  const ac: Huffman[] = [];
  let components: Component[] = [];
  let width = 0;
  let height = 0;
  let hMax = 1;
  let vMax = 1;
  let restartInterval = 0;
  let at = 2;
  const u16 = (i: number) => ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);

  while (at < bytes.length) {
    if (bytes[at] !== 0xff) throw invalid(`no marker at byte ${at}`);
    const marker = bytes[at + 1] ?? 0;
    at += 2;
    if (marker === 0xd9) break;
    if (marker === 0xff || (marker >= 0xd0 && marker <= 0xd7)) {
      at -= 1;
      continue;
    }
    const length = u16(at);
    const end = at + length;
    if (length < 2 || end > bytes.length) throw invalid('truncated segment');
    let p = at + 2;
    if (marker === 0xdb) {
      while (p < end) {
        const precision = (bytes[p] ?? 0) >> 4;
        const table = new Int32Array(64);
        for (let k = 0; k < 64; k++)
          table[k] = precision ? u16(p + 1 + 2 * k) : (bytes[p + 1 + k] ?? 0);
        quant[(bytes[p] ?? 0) & 15] = table;
        p += 1 + (precision ? 128 : 64);
      }
    } else if (marker === 0xc4) {
      while (p < end) {
        const kind = (bytes[p] ?? 0) >> 4;
        const counts = bytes.subarray(p + 1, p + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        const table = buildHuffman(counts, bytes.slice(p + 17, p + 17 + total));
        (kind === 0 ? dc : ac)[(bytes[p] ?? 0) & 15] = table;
        p += 17 + total;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      height = u16(p + 1);
      width = u16(p + 3);
      const count = bytes[p + 5] ?? 0;
      components = [];
      for (let c = 0; c < count; c++) {
        const q = p + 6 + c * 3;
        const sampling = bytes[q + 1] ?? 0x11;
        components.push({
          id: bytes[q] ?? 0,
          h: Math.max(1, sampling >> 4),
          v: Math.max(1, sampling & 15),
          quant: (bytes[q + 2] ?? 0) & 3,
          dcTable: 0,
          acTable: 0,
          pred: 0,
          blocks: [],
        });
      }
      hMax = Math.max(...components.map((c) => c.h));
      vMax = Math.max(...components.map((c) => c.v));
      if (!width || !height || components.length === 0) throw invalid('empty frame');
    } else if (
      marker >= 0xc2 &&
      marker <= 0xcf &&
      marker !== 0xc4 &&
      marker !== 0xc8 &&
      marker !== 0xcc
    ) {
      throw new TestingError(
        'UNSUPPORTED_JPEG',
        'only baseline JPEGs are read (this one is progressive, lossless or arithmetic-coded)',
      );
    } else if (marker === 0xdd) {
      restartInterval = u16(p);
    } else if (marker === 0xda) {
      if (components.length === 0) throw invalid('scan before frame');
      const count = bytes[p] ?? 0;
      const scan: Component[] = [];
      for (let i = 0; i < count; i++) {
        const component = components.find((c) => c.id === bytes[p + 1 + i * 2]);
        if (!component) throw invalid('scan of an unknown component');
        const tables = bytes[p + 2 + i * 2] ?? 0;
        component.dcTable = tables >> 4;
        component.acTable = tables & 15;
        scan.push(component);
      }
      at = decodeScan(bytes, end, scan, components[0]!, {
        width,
        height,
        hMax,
        vMax,
        restartInterval,
        quant,
        dc,
        ac,
      });
      continue;
    }
    at = end;
  }
  const luma = components[0];
  if (!luma || luma.blocks.length === 0) throw invalid('no image data');
  return toGrey(luma, width, height, hMax, vMax);
}

function toGrey(
  c: Component,
  width: number,
  height: number,
  hMax: number,
  vMax: number,
): RgbaImage {
  const across = Math.ceil(width / (8 * hMax)) * c.h;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const cy = Math.floor((y * c.v) / vMax);
    for (let x = 0; x < width; x++) {
      const cx = Math.floor((x * c.h) / hMax);
      const block = c.blocks[Math.floor(cy / 8) * across + Math.floor(cx / 8)];
      const value = block?.[(cy % 8) * 8 + (cx % 8)] ?? 255;
      const i = (y * width + x) * 4;
      data[i] = value;
      data[i + 1] = value;
      data[i + 2] = value;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}
