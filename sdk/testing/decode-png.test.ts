import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng } from './decode-png.ts';

/** Builds a PNG by hand (CRCs are not checked by the decoder, so zeros do). */
function png(
  width: number,
  height: number,
  depth: number,
  colorType: number,
  rows: number[][],
  extra: [string, number[]][] = [],
): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const raw = Buffer.from(rows.flat());
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra.map(([type, data]) => chunk(type, Buffer.from(data))),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodePng', () => {
  it('decodes 1-bit greyscale, MSB first', () => {
    const { data } = decodePng(png(3, 1, 1, 0, [[0, 0b10100000]]));
    expect([...data]).toEqual([255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('decodes a palette with transparency', () => {
    const image = decodePng(
      png(
        2,
        1,
        8,
        3,
        [[0, 1, 0]],
        [
          ['PLTE', [10, 20, 30, 40, 50, 60]],
          ['tRNS', [128]],
        ],
      ),
    );
    expect([...image.data]).toEqual([40, 50, 60, 255, 10, 20, 30, 128]);
  });

  it('reverses Sub, Up, Average and Paeth filters on RGB rows', () => {
    // Row 0 (Sub): pixels (10,20,30) (15,25,35). Row 1 (Up): +1 each. Row 2 (Average), row 3 (Paeth).
    const rows = [
      [1, 10, 20, 30, 5, 5, 5],
      [2, 1, 1, 1, 1, 1, 1],
      [3, 6, 11, 16, 3, 3, 3],
      [4, 0, 0, 0, 0, 0, 0],
    ];
    const { data, width, height } = decodePng(png(2, 4, 8, 2, rows));
    expect([width, height]).toEqual([2, 4]);
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * 2 + x) * 4, (y * 2 + x) * 4 + 3),
    ];
    expect(pixel(1, 0)).toEqual([15, 25, 35]);
    expect(pixel(0, 1)).toEqual([11, 21, 31]);
    // Average: left is 0 for the first pixel, so 6 + floor(11/2) = 11; second: 3 + floor((11+16)/2) = 16.
    expect(pixel(0, 2)).toEqual([11, 21, 31]);
    expect(pixel(1, 2)).toEqual([16, 26, 36]);
    // Paeth with zero deltas copies the best predictor: here the pixel above.
    expect(pixel(0, 3)).toEqual([11, 21, 31]);
    expect(pixel(1, 3)).toEqual([16, 26, 36]);
  });

  it('scales 16-bit RGBA samples to 8 bits', () => {
    const { data } = decodePng(
      png(1, 1, 16, 6, [[0, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0xff, 0xff]]),
    );
    expect([...data]).toEqual([255, 128, 0, 255]);
  });

  it.each([
    ['a bad signature', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 'INVALID_PNG'],
    ['an unknown filter', png(1, 1, 8, 0, [[9, 0]]), 'INVALID_PNG'],
    ['missing pixel rows', png(1, 3, 8, 0, [[0, 0]]), 'INVALID_PNG'],
  ])('rejects %s', (_what, bytes, code) => {
    expect(() => decodePng(bytes)).toThrow(expect.objectContaining({ code }));
  });
});
