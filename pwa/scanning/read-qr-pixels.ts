/**
 * The QR decoder the worker runs: zxing-cpp's reader compiled to WebAssembly (zxing-wasm). Kept
 * apart from the worker so the scan benchmark measures exactly these functions in Node.
 * The wasm is located by whoever calls `prepareZXingModule` first (the worker: our own origin).
 */
import { type ReaderOptions, readBarcodes } from 'zxing-wasm/reader';

/**
 * What the reader tries on each picture: `tryHarder` (more scan lines and finder checks),
 * `tryInvert` (light-on-dark codes), `tryRotate` and `tryDownscale` (big photos). `tryDenoise`
 * was measured and left out: slower, and it read none of the misses the other binarizers read.
 */
export const READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryInvert: true,
  tryRotate: true,
  tryDownscale: true,
  maxNumberOfSymbols: 1,
};

/**
 * zxing's binarizers, best first. The local one reads uneven light and glare; the global
 * histogram reads heavy sensor noise and the fixed threshold heavy blur, where the local one fails
 * (measured on the scan set, bench/scan.bench.ts).
 */
export const BINARIZERS = ['LocalAverage', 'GlobalHistogram', 'FixedThreshold'] as const;
export type BinarizerName = (typeof BINARIZERS)[number];

/** RGBA pixels, as `ImageData` holds them. */
export interface QrPixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/**
 * Reads one QR code from RGBA pixels with zxing-wasm.
 *
 * @param pixels - e.g. `context.getImageData(0, 0, width, height)`
 * @param options - reader options; {@link READER_OPTIONS} by default
 * @returns the QR's text, or `null` when none was read
 * @example const text = await readQrPixels(imageData);
 */
export async function readQrPixels(
  pixels: QrPixels,
  options: ReaderOptions = READER_OPTIONS,
): Promise<string | null> {
  // zxing-wasm takes an ImageData; in a worker or Node a plain object of the same shape reads alike.
  const [first] = await readBarcodes(pixels as ImageData, options);
  return first?.isValid ? first.text : null;
}

/**
 * Reads a still image with every binarizer in turn, first hit wins: a picture is read once, so
 * it may take the time a camera frame may not (a camera gets the next frame instead).
 *
 * @example const text = await readQrThoroughly(imageData);
 */
export async function readQrThoroughly(pixels: QrPixels): Promise<string | null> {
  for (const binarizer of BINARIZERS) {
    const text = await readQrPixels(pixels, { ...READER_OPTIONS, binarizer });
    if (text !== null) return text;
  }
  return null;
}
