/**
 * QR reading on the generated photo-like set (bench/support/scan-fixtures.ts, ≥ 200 images in 12
 * categories): success per category for jsqr alone, zxing-wasm alone, the old shipped path (jsqr
 * at the image sizes of `imageDecodeSizes`) and the shipped path (the worker's `readQrPixels` at
 * those sizes), and the median decode time of one camera frame (the image shrunk to ≤ 640 px wide).
 *
 * A positive counts when the exact text is read; a negative when nothing, or anything but an
 * `otpauth` link, is read. Runs in Node on the same JS and wasm the worker runs (V8 both).
 * `SCAN_BENCH_FIXTURES=<dir>` reads another fixture folder; `BENCH_DEBUG=1` names each miss.
 */
import { readFileSync } from 'node:fs';
import jsQR from 'jsqr';
import { prepareZXingModule } from 'zxing-wasm/reader';
import { fitWidth, imageDecodeSizes } from '../pwa/scanning/frame-geometry.ts';
import { READER_OPTIONS, readQrPixels, readQrThoroughly } from '../pwa/scanning/read-qr-pixels.ts';
import { openHarness, startHarness } from '../test/pwa-scanning/harness-server.ts';
import { browserAvailable, launchChromium } from '../test/support/browser.ts';
import { type RgbaPixels, resize } from './support/qr-photo.ts';
import {
  CATEGORIES,
  type Category,
  DEFAULT_FIXTURE_DIR,
  makeScanFixtures,
  readFixturePixels,
  type ScanFixture,
} from './support/scan-fixtures.ts';

type Decode = (pixels: RgbaPixels) => Promise<string | null>;

const wasm = readFileSync(
  new URL('../node_modules/zxing-wasm/dist/reader/zxing_reader.wasm', import.meta.url),
);
await prepareZXingModule({
  overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) },
  fireImmediately: true,
});

const jsqrAlone: Decode = async ({ data, width, height }) => {
  try {
    return jsQR(data, width, height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
  } catch {
    return null;
  }
};
const zxingAlone: Decode = (pixels) =>
  readQrPixels(pixels, { formats: ['QRCode'], tryInvert: true });
const zxingFrame: Decode = (pixels) => readQrPixels(pixels, READER_OPTIONS);

/** A still image as decode-image.ts reads it: each size of `imageDecodeSizes`, first hit wins. */
function atImageSizes(decode: Decode): Decode {
  return async (pixels) => {
    for (const size of imageDecodeSizes(pixels)) {
      const text = await decode(resize(pixels, size.width, size.height));
      if (text !== null) return text;
    }
    return null;
  };
}

const DECODERS: { name: string; decode: Decode; frame?: Decode }[] = [
  { name: 'jsqr alone', decode: jsqrAlone, frame: jsqrAlone },
  { name: 'zxing-wasm alone', decode: zxingAlone, frame: zxingAlone },
  { name: 'old shipped (jsqr, sizes)', decode: atImageSizes(jsqrAlone) },
  { name: 'shipped (zxing, sizes)', decode: atImageSizes(readQrThoroughly), frame: zxingFrame },
];

function succeeded(fixture: ScanFixture, text: string | null): boolean {
  if (fixture.expected === null) return text === null || !/^otpauth(-migration)?:/i.test(text);
  return text === fixture.expected;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const dir = process.env.SCAN_BENCH_FIXTURES ?? DEFAULT_FIXTURE_DIR;
const fixtures = await makeScanFixtures(dir);
const debug = process.env.BENCH_DEBUG === '1';

/** Grey ≤ 640 px camera frames of every fixture, for the in-browser worker timing below. */
const frames: { width: number; height: number; grey: string }[] = [];
const hits = DECODERS.map(() => new Map<Category, number>());
const frameMs = DECODERS.map(() => [] as number[]);
const negativesAsKeys = DECODERS.map(() => 0);
for (const fixture of fixtures) {
  const pixels = await readFixturePixels(dir, fixture);
  const frameSize = fitWidth(pixels, 640);
  const frame = resize(pixels, frameSize.width, frameSize.height);
  const grey = Buffer.alloc(frame.width * frame.height);
  for (let p = 0; p < grey.length; p++) grey[p] = frame.data[p * 4]!;
  frames.push({ width: frame.width, height: frame.height, grey: grey.toString('base64') });
  for (const [i, decoder] of DECODERS.entries()) {
    // Decoders transfer nothing here, but copy anyway so none can see another's changes.
    const text = await decoder.decode({ ...pixels, data: pixels.data.slice() });
    const ok = succeeded(fixture, text);
    if (ok) hits[i]!.set(fixture.category, (hits[i]!.get(fixture.category) ?? 0) + 1);
    else if (debug) console.log(`miss: ${decoder.name} ${fixture.file}`);
    if (fixture.expected === null && !ok) negativesAsKeys[i]! += 1;
    if (decoder.frame) {
      const copy = { ...frame, data: frame.data.slice() };
      const started = performance.now();
      await decoder.frame(copy);
      frameMs[i]!.push(performance.now() - started);
    }
  }
}

const counts = new Map<Category, number>();
for (const f of fixtures) counts.set(f.category, (counts.get(f.category) ?? 0) + 1);
const pad = (s: string, n: number) => s.padEnd(n);
const cell = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} % (${n})`.padEnd(16);
console.log(`${fixtures.length} images in ${dir}\n`);
console.log(pad('category', 14) + pad('n', 4) + DECODERS.map((d) => pad(d.name, 28)).join(''));
for (const category of CATEGORIES) {
  const of = counts.get(category) ?? 0;
  console.log(
    pad(category, 14) +
      pad(String(of), 4) +
      hits.map((h) => pad(cell(h.get(category) ?? 0, of), 28)).join(''),
  );
}
const total = (h: Map<Category, number>) => [...h.values()].reduce((a, b) => a + b, 0);
console.log(
  pad('overall', 14) +
    pad(String(fixtures.length), 4) +
    hits.map((h) => pad(cell(total(h), fixtures.length), 28)).join(''),
);
console.log(
  pad('worst category', 18) +
    hits
      .map((h) => {
        const worst = Math.min(...CATEGORIES.map((c) => (h.get(c) ?? 0) / (counts.get(c) ?? 1)));
        return pad(`${(100 * worst).toFixed(0)} %`, 28);
      })
      .join(''),
);
console.log(pad('negative→key', 18) + negativesAsKeys.map((n) => pad(String(n), 28)).join(''));
for (const [label, q] of [
  ['frame ms p50', 0.5],
  ['frame ms p90', 0.9],
] as const) {
  console.log(
    pad(label, 18) +
      frameMs.map((ms) => pad(ms.length ? quantile(ms, q).toFixed(1) : '–', 28)).join(''),
  );
}

// The same frames through the shipped worker in Chromium (what <qr-scanner> does without a
// BarcodeDetector): page → worker → zxing-wasm → page, timed in the page.
if (browserAvailable) {
  const harness = await startHarness();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await openHarness(page, harness.url);
    const ms: number[] = [];
    for (const frame of frames) {
      const result = await page.evaluate(
        ([width, height, grey]) =>
          window.harness.timeFrame(
            width,
            height,
            Uint8Array.from(atob(grey), (c) => c.charCodeAt(0)),
          ),
        [frame.width, frame.height, frame.grey] as const,
      );
      ms.push(result.ms);
    }
    // The first frames pay for fetching and compiling the wasm: report it apart.
    console.log(
      `\nChromium worker, ${ms.length} frames ≤ 640 px: first ${ms[0]!.toFixed(0)} ms (loads the wasm), ` +
        `then p50 ${quantile(ms.slice(1), 0.5).toFixed(1)} ms, p90 ${quantile(ms.slice(1), 0.9).toFixed(1)} ms`,
    );
  } finally {
    await browser.close();
    await harness.close();
  }
} else {
  console.log('\nChromium not found: the in-worker frame time was not measured');
}
