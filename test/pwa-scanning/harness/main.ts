/**
 * Test page for the scanning elements: loads them as the add screen will, records every event
 * they fire, and exposes `decodeQrFromImage` so the browser tests can call it directly.
 * The tests add and remove the elements themselves.
 */
import { decodeQrFromImage } from '../../../pwa/scanning/decode-image.ts';
import { decodeInWorker } from '../../../pwa/scanning/qr-worker-client.ts';
import '../../../pwa/scanning/qr-image-input.ts';
import '../../../pwa/scanning/qr-scanner.ts';

export interface HarnessEvent {
  type: string;
  detail: unknown;
}

declare global {
  interface Window {
    harness: {
      events: HarnessEvent[];
      streams: MediaStream[];
      decodeQrFromImage: typeof decodeQrFromImage;
      timeFrame: typeof timeFrame;
      ready: true;
    };
  }
}

const events: HarnessEvent[] = [];
for (const type of ['qr-detected', 'qr-not-found', 'scan-error', 'scan-cancel']) {
  document.addEventListener(type, (event) => {
    events.push({ type, detail: (event as CustomEvent).detail ?? null });
  });
}

// Every stream handed out is kept (not altered) so tests can check its tracks were stopped.
const streams: MediaStream[] = [];
const media = navigator.mediaDevices;
if (media?.getUserMedia) {
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    streams.push(stream);
    return stream;
  };
}

/**
 * Decodes one grey camera frame (one byte a pixel) in the worker as the scanner does, and says
 * how long the round trip took, for bench/scan.bench.ts.
 */
async function timeFrame(
  width: number,
  height: number,
  grey: Uint8Array,
): Promise<{ ms: number; text: string | null }> {
  const image = new ImageData(width, height);
  for (let i = 0; i < grey.length; i++) {
    image.data[i * 4] = image.data[i * 4 + 1] = image.data[i * 4 + 2] = grey[i] ?? 0;
    image.data[i * 4 + 3] = 255;
  }
  const started = performance.now();
  const text = await decodeInWorker(image, 'frame');
  return { ms: performance.now() - started, text };
}

window.harness = { events, streams, decodeQrFromImage, timeFrame, ready: true };
