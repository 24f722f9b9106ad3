/**
 * Module worker that reads QR codes with zxing-wasm's reader. It is the only module importing
 * the decoder, so its JS and its ~950 kB wasm are fetched the first time an image or camera frame
 * needs decoding, never for first paint. The wasm comes from our own origin (a hashed asset the
 * service worker precaches), never from zxing-wasm's default CDN: the app works offline.
 * Started by {@link ./qr-worker-client.ts}.
 */
import { prepareZXingModule } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { QrDecodeRequest, QrDecodeResponse } from './qr-worker-client.ts';
import { BINARIZERS, READER_OPTIONS, readQrPixels, readQrThoroughly } from './read-qr-pixels.ts';

prepareZXingModule({
  overrides: {
    locateFile: (path: string, prefix: string) =>
      path.endsWith('.wasm') ? new URL(wasmUrl, self.location.href).href : prefix + path,
  },
});

/** Camera frames take the binarizers in turn, one a frame, so each frame stays cheap. */
let frameCount = 0;

addEventListener('message', async (event: MessageEvent<QrDecodeRequest>) => {
  const { id, width, height, pixels, mode } = event.data;
  const image = { width, height, data: new Uint8ClampedArray(pixels) };
  let text: string | null = null;
  try {
    if (mode === 'image') {
      text = await readQrThoroughly(image);
    } else {
      const binarizer = BINARIZERS[frameCount++ % BINARIZERS.length];
      text = await readQrPixels(image, { ...READER_OPTIONS, binarizer });
    }
  } catch {
    // A wasm that failed to load or a symbol the reader choked on: "no QR here" for the caller.
    text = null;
  }
  const response: QrDecodeResponse = { id, text };
  postMessage(response);
});
