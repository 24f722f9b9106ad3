import { TestingError } from './testing-error.ts';

// The entropy-coded part of a baseline JPEG (ITU T.81 Annex F) and the inverse DCT, for decode-jpeg.ts.

/** Natural (row-major) index of the k-th coefficient in zig-zag order (ITU T.81 Figure A.6). */
const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
  13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52,
  45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];
/** cos((2x + 1)uπ / 16) · C(u) / 2 for the 8-point inverse DCT, [x * 8 + u]. */
const IDCT = Float64Array.from({ length: 64 }, (_, i) => {
  const x = Math.floor(i / 8);
  const u = i % 8;
  return ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
});

export interface Huffman {
  /** Per code length 1…16: the largest code, the first code, and where its symbols start. */
  max: Int32Array;
  min: Int32Array;
  at: Int32Array;
  symbols: Uint8Array;
}

export interface Component {
  id: number;
  h: number;
  v: number;
  quant: number;
  dcTable: number;
  acTable: number;
  pred: number;
  /** Dequantised, inverse-transformed samples of this component's blocks (luma only). */
  blocks: Int16Array[];
}

export const invalid = (why: string) =>
  new TestingError('INVALID_JPEG', `not a readable JPEG: ${why}`);

export function buildHuffman(counts: Uint8Array, symbols: Uint8Array): Huffman {
  const max = new Int32Array(17).fill(-1);
  const min = new Int32Array(17);
  const at = new Int32Array(17);
  let code = 0;
  let index = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1] ?? 0;
    at[length] = index;
    min[length] = code;
    code += n;
    index += n;
    if (n > 0) max[length] = code - 1;
    code <<= 1;
  }
  return { max, min, at, symbols };
}

export interface Frame {
  width: number;
  height: number;
  hMax: number;
  vMax: number;
  restartInterval: number;
  quant: Int32Array[];
  dc: Huffman[];
  ac: Huffman[];
}

/** Blocks across and down a component covers, as laid out by interleaved MCUs. */
export function blockGrid(c: Component, f: Frame) {
  const mcusX = Math.ceil(f.width / (8 * f.hMax));
  const mcusY = Math.ceil(f.height / (8 * f.vMax));
  return { across: mcusX * c.h, down: mcusY * c.v, mcusX, mcusY };
}

/** Decodes one scan's entropy-coded data from `start`; returns where the next marker is. */
export function decodeScan(
  bytes: Uint8Array,
  start: number,
  scan: Component[],
  luma: Component,
  f: Frame,
): number {
  let at = start;
  let bits = 0;
  let bitCount = 0;
  const readBit = (): number => {
    if (bitCount === 0) {
      const byte = bytes[at];
      if (byte === undefined) throw invalid('image data ends early');
      if (byte === 0xff) {
        const next = bytes[at + 1] ?? 0;
        // A marker inside the data means it ended early: pad with zeros as decoders do.
        if (next !== 0) return 0;
        at += 1;
      }
      at += 1;
      bits = byte;
      bitCount = 8;
    }
    bitCount -= 1;
    return (bits >> bitCount) & 1;
  };
  const receive = (n: number): number => {
    let value = 0;
    for (let i = 0; i < n; i++) value = (value << 1) | readBit();
    return value;
  };
  // F.2.2.1: a magnitude category's bits as a signed value.
  const extend = (value: number, n: number) =>
    n && value < 1 << (n - 1) ? value - (1 << n) + 1 : value;
  const decode = (table: Huffman | undefined): number => {
    if (!table) throw invalid('missing Huffman table');
    let code = 0;
    for (let length = 1; length <= 16; length++) {
      code = (code << 1) | readBit();
      if (code <= (table.max[length] ?? -1)) {
        return table.symbols[(table.at[length] ?? 0) + code - (table.min[length] ?? 0)] ?? 0;
      }
    }
    throw invalid('bad Huffman code');
  };

  const coefficients = new Float64Array(64);
  const decodeBlock = (c: Component, row: number, col: number) => {
    const q = f.quant[c.quant];
    if (!q) throw invalid('missing quantisation table');
    coefficients.fill(0);
    const t = decode(f.dc[c.dcTable]);
    c.pred += t ? extend(receive(t), t) : 0;
    coefficients[0] = c.pred * (q[0] ?? 1);
    for (let k = 1; k < 64; ) {
      const rs = decode(f.ac[c.acTable]);
      const s = rs & 15;
      if (s === 0) {
        if (rs >> 4 !== 15) break;
        k += 16;
        continue;
      }
      k += rs >> 4;
      if (k > 63) break;
      coefficients[ZIGZAG[k] ?? 0] = extend(receive(s), s) * (q[k] ?? 1);
      k += 1;
    }
    if (c !== luma) return;
    const grid = blockGrid(c, f);
    if (row < grid.down && col < grid.across)
      c.blocks[row * grid.across + col] = idct(coefficients);
  };

  for (const c of scan) c.pred = 0;
  const single = scan.length === 1 ? scan[0] : undefined;
  let units: number;
  let unit: (n: number) => void;
  if (single) {
    // A non-interleaved scan walks the component's own blocks, one at a time (A.2.2).
    const across = Math.ceil(Math.ceil((f.width * single.h) / f.hMax) / 8);
    const down = Math.ceil(Math.ceil((f.height * single.v) / f.vMax) / 8);
    units = across * down;
    unit = (n) => decodeBlock(single, Math.floor(n / across), n % across);
  } else {
    const { mcusX, mcusY } = blockGrid(luma, f);
    units = mcusX * mcusY;
    unit = (n) => {
      const mcuRow = Math.floor(n / mcusX);
      const mcuCol = n % mcusX;
      for (const c of scan) {
        for (let v = 0; v < c.v; v++) {
          for (let h = 0; h < c.h; h++) decodeBlock(c, mcuRow * c.v + v, mcuCol * c.h + h);
        }
      }
    };
  }
  for (let n = 0; n < units; n++) {
    if (f.restartInterval && n > 0 && n % f.restartInterval === 0) {
      // RSTn: the bit buffer and the DC predictions start over.
      bitCount = 0;
      while (
        at + 1 < bytes.length &&
        !(bytes[at] === 0xff && (bytes[at + 1] ?? 0) >= 0xd0 && (bytes[at + 1] ?? 0) <= 0xd7)
      )
        at += 1;
      at += 2;
      for (const c of scan) c.pred = 0;
    }
    unit(n);
  }
  // The next marker: skip padding, stuffed bytes and restart markers.
  while (at + 1 < bytes.length) {
    const next = bytes[at + 1] ?? 0;
    if (bytes[at] === 0xff && next !== 0 && next !== 0xff && (next < 0xd0 || next > 0xd7)) break;
    at += 1;
  }
  return at;
}

/** The 8×8 inverse DCT, separable (A.3.3), level-shifted and clamped to 0…255. */
function idct(input: Float64Array): Int16Array {
  const rows = new Float64Array(64);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      let sum = 0;
      for (let u = 0; u < 8; u++) sum += (IDCT[x * 8 + u] ?? 0) * (input[y * 8 + u] ?? 0);
      rows[y * 8 + x] = sum;
    }
  }
  const out = new Int16Array(64);
  for (let x = 0; x < 8; x++) {
    for (let y = 0; y < 8; y++) {
      let sum = 0;
      for (let v = 0; v < 8; v++) sum += (IDCT[y * 8 + v] ?? 0) * (rows[v * 8 + x] ?? 0);
      out[y * 8 + x] = Math.max(0, Math.min(255, Math.round(sum + 128)));
    }
  }
  return out;
}
