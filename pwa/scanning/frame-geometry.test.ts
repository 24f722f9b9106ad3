import { describe, expect, it } from 'vitest';
import { fitWidth, imageDecodeSizes, MAX_IMAGE_SIDE } from './frame-geometry.ts';

describe('fitWidth', () => {
  it.each([
    [
      { width: 1920, height: 1080 },
      { width: 640, height: 360 },
    ],
    [
      { width: 1280, height: 720 },
      { width: 640, height: 360 },
    ],
    [
      { width: 720, height: 1280 },
      { width: 640, height: 1138 },
    ],
    [
      { width: 641, height: 1 },
      { width: 640, height: 1 },
    ],
    [
      { width: 4000, height: 1 },
      { width: 640, height: 1 },
    ],
  ])('shrinks %o to %o, keeping the aspect ratio', (source, expected) => {
    expect(fitWidth(source)).toEqual(expected);
  });

  it('never enlarges a frame already narrow enough', () => {
    expect(fitWidth({ width: 640, height: 480 })).toEqual({ width: 640, height: 480 });
    expect(fitWidth({ width: 320, height: 240 })).toEqual({ width: 320, height: 240 });
  });

  it('honours another maximum width', () => {
    expect(fitWidth({ width: 1000, height: 500 }, 400)).toEqual({ width: 400, height: 200 });
  });

  it('gives 0×0 while the video has no frame yet', () => {
    expect(fitWidth({ width: 0, height: 0 })).toEqual({ width: 0, height: 0 });
    expect(fitWidth({ width: Number.NaN, height: 480 })).toEqual({ width: 0, height: 0 });
  });

  it('keeps every result within the maximum for any frame size', () => {
    for (let width = 1; width < 5000; width += 37) {
      for (const height of [1, 3, 480, 1081, 4321]) {
        const fitted = fitWidth({ width, height });
        expect(fitted.width).toBeLessThanOrEqual(640);
        expect(fitted.height).toBeGreaterThanOrEqual(1);
        expect(Math.abs(fitted.width / fitted.height - width / height)).toBeLessThanOrEqual(
          (width / height) * (1 / fitted.height + 1 / fitted.width) + 1e-9,
        );
      }
    }
  });
});

describe('imageDecodeSizes', () => {
  it('tries a 3000 px photo at about 1024 px first, then smaller and larger', () => {
    const sizes = imageDecodeSizes({ width: 3000, height: 3000 });
    expect(sizes[0]).toEqual({ width: 1024, height: 1024 });
    expect(sizes.map((s) => s.width)).toEqual([1024, 640, 2048, 3000, 400]);
  });

  it('enlarges a tiny image so its modules become several pixels wide', () => {
    const widths = imageDecodeSizes({ width: 100, height: 100 }).map((s) => s.width);
    expect(widths).toEqual([100, 200, 400]);
  });

  it('keeps the aspect ratio of a wide screenshot', () => {
    const [first] = imageDecodeSizes({ width: 2048, height: 1024 });
    expect(first).toEqual({ width: 1024, height: 512 });
  });

  it('never exceeds the safe maximum side, nor repeats a size', () => {
    const sizes = imageDecodeSizes({ width: 12000, height: 9000 });
    for (const size of sizes)
      expect(Math.max(size.width, size.height)).toBeLessThanOrEqual(MAX_IMAGE_SIDE);
    expect(new Set(sizes.map((s) => s.width)).size).toBe(sizes.length);
  });

  it('has nothing to try for an empty image', () => {
    expect(imageDecodeSizes({ width: 0, height: 0 })).toEqual([]);
  });
});
