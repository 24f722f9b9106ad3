/** Message the page sends to the QR worker; `pixels` is RGBA, transferred, not copied. */
export interface QrDecodeRequest {
  id: number;
  width: number;
  height: number;
  pixels: ArrayBuffer;
  /** `frame`: one quick attempt (the camera offers the next frame); `image`: every binarizer. */
  mode: QrDecodeMode;
}

/** How hard the worker tries; see {@link QrDecodeRequest.mode}. */
export type QrDecodeMode = 'frame' | 'image';

/** The worker's answer to the request with the same `id`. */
export interface QrDecodeResponse {
  id: number;
  text: string | null;
}

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, (text: string | null) => void>();

function startWorker(): Worker {
  // Vite recognises this exact shape and bundles the worker (and the decoder) as a separate chunk.
  const created = new Worker(new URL('./qr-worker.ts', import.meta.url), { type: 'module' });
  created.addEventListener('message', (event: MessageEvent<QrDecodeResponse>) => {
    const resolve = waiting.get(event.data.id);
    waiting.delete(event.data.id);
    resolve?.(event.data.text);
  });
  created.addEventListener('error', () => {
    // A worker that failed to load answers nothing: settle every caller as "not found" and
    // start afresh on the next request rather than hang the scanner.
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
    created.terminate();
    if (worker === created) worker = null;
  });
  return created;
}

/**
 * Decodes a QR in RGBA pixels with zxing-wasm in the shared worker (started on first use), in
 * normal and inverted colours. The pixel buffer is transferred: `image` is unusable afterwards.
 *
 * @param image - pixels to search, e.g. from `context.getImageData(...)`
 * @param mode - `frame` (one quick attempt, the default) or `image` (every binarizer)
 * @returns the QR's text, or `null` when no QR was found
 * @example const text = await decodeInWorker(context.getImageData(0, 0, width, height));
 */
export function decodeInWorker(
  image: ImageData,
  mode: QrDecodeMode = 'frame',
): Promise<string | null> {
  worker ??= startWorker();
  const id = nextId++;
  const { width, height } = image;
  const pixels = image.data.buffer as ArrayBuffer;
  const request: QrDecodeRequest = { id, width, height, pixels, mode };
  const answer = new Promise<string | null>((resolve) => waiting.set(id, resolve));
  worker.postMessage(request, [pixels]);
  return answer;
}

/** Stops the shared worker (it restarts on the next decode). Pending decodes resolve `null`. */
export function stopQrWorker(): void {
  for (const resolve of waiting.values()) resolve(null);
  waiting.clear();
  worker?.terminate();
  worker = null;
}
