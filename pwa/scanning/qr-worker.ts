/**
 * Module worker that runs jsqr. It is the only module importing jsqr, so the 46 kB decoder is
 * fetched the first time an image or camera frame needs decoding, never for first paint.
 * Started by {@link ./qr-worker-client.ts}.
 */
import jsQR from 'jsqr';
import type { QrDecodeRequest, QrDecodeResponse } from './qr-worker-client.ts';

addEventListener('message', (event: MessageEvent<QrDecodeRequest>) => {
  const { id, width, height, pixels } = event.data;
  let text: string | null = null;
  try {
    // attemptBoth also reads light-on-dark codes (dark-mode screenshots, inverted prints). Named
    // on every call because jsqr 1.4 merges options into one shared default object.
    const code = jsQR(new Uint8ClampedArray(pixels), width, height, {
      inversionAttempts: 'attemptBoth',
    });
    text = code ? code.data : null;
  } catch {
    // jsqr throws on some malformed symbols; for the caller that is "no QR here".
    text = null;
  }
  const response: QrDecodeResponse = { id, text };
  postMessage(response);
});
