import { fitWidth } from './frame-geometry.ts';
import { decodeInWorker } from './qr-worker-client.ts';
import { createPixelReader } from './read-pixels.ts';
import { SingleFlight } from './single-flight.ts';

/** Decodes QR codes from live camera frames, one frame in flight at a time. */
export interface FrameDecoder {
  /** `native` uses the browser's BarcodeDetector, `worker` uses zxing-wasm in a Web Worker. */
  readonly kind: 'native' | 'worker';
  /**
   * Offers the video's current frame.
   *
   * @returns the decode's promise (text, or `null` when the frame holds no QR), or `null` when
   *   the frame was dropped because another is still being decoded or the video has no frame yet
   */
  offer(video: HTMLVideoElement): Promise<string | null> | null;
}

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorInstance {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats(): Promise<string[]>;
}

/**
 * Picks the best frame decoder the browser offers: the native `BarcodeDetector` when it reads
 * `qr_code` (Android Chrome, macOS, ChromeOS), else zxing-wasm in the shared worker on frames shrunk
 * to at most `maxWidth` pixels wide. Either way a frame offered while one is in flight is dropped.
 *
 * @param options.maxWidth - widest frame handed to the worker, 640 by default
 * @example
 * const decoder = await createFrameDecoder();
 * const pending = decoder.offer(video); // call once per animation frame
 */
export async function createFrameDecoder({ maxWidth = 640 } = {}): Promise<FrameDecoder> {
  const gate = new SingleFlight<string | null>();
  const native = await nativeDetector();
  if (native) {
    return {
      kind: 'native',
      offer: (video) =>
        hasFrame(video)
          ? gate.run(async () => (await native.detect(video))[0]?.rawValue ?? null)
          : null,
    };
  }
  const read = createPixelReader();
  return {
    kind: 'worker',
    offer: (video) => {
      if (!hasFrame(video)) return null;
      return gate.run(() => {
        const size = fitWidth({ width: video.videoWidth, height: video.videoHeight }, maxWidth);
        return decodeInWorker(read(video, size));
      });
    },
  };
}

function hasFrame(video: HTMLVideoElement): boolean {
  return video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0;
}

async function nativeDetector(): Promise<BarcodeDetectorInstance | null> {
  if (!('BarcodeDetector' in globalThis)) return null;
  const Detector = (globalThis as unknown as { BarcodeDetector: BarcodeDetectorClass })
    .BarcodeDetector;
  try {
    const formats = await Detector.getSupportedFormats();
    return formats.includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : null;
  } catch {
    // Some builds expose the class but throw when the platform has no barcode service.
    return null;
  }
}
