/**
 * Test page for the scanning elements: loads them as the add screen will, records every event
 * they fire, and exposes `decodeQrFromImage` so the browser tests can call it directly.
 * The tests add and remove the elements themselves.
 */
import { decodeQrFromImage } from '../../../pwa/scanning/decode-image.ts';
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

window.harness = { events, streams, decodeQrFromImage, ready: true };
