import { imageDecodeSizes } from './frame-geometry.ts';
import { decodeInWorker } from './qr-worker-client.ts';
import { createPixelReader } from './read-pixels.ts';

/** Thrown by {@link decodeQrFromImage} when the blob is not an image the browser can read. */
export class QrImageError extends Error {
  readonly code = 'NOT_AN_IMAGE';
  constructor() {
    super('This file is not an image the browser can read');
    this.name = 'QrImageError';
  }
}

/**
 * Finds and decodes a QR code in an image (PNG, JPEG, WebP, GIF…: whatever the browser reads),
 * off the main thread. Tries several scales and, at each, normal then inverted colours, before
 * giving up.
 *
 * @param blob - a File from a picker, a drop or a paste, or any image Blob
 * @returns the QR's text exactly as encoded, or `null` when no QR was found
 * @throws {QrImageError} when the blob cannot be decoded as an image
 * @example
 * const text = await decodeQrFromImage(input.files[0]);
 * if (text === null) showMessage('No QR code found in this image');
 */
export async function decodeQrFromImage(blob: Blob): Promise<string | null> {
  const image = await loadImage(blob);
  try {
    const read = createPixelReader();
    for (const size of imageDecodeSizes({ width: image.width, height: image.height })) {
      const text = await decodeInWorker(read(image.source, size), 'image');
      if (text !== null) return text;
    }
    return null;
  } finally {
    image.close();
  }
}

interface LoadedImage {
  source: CanvasImageSource;
  width: number;
  height: number;
  close(): void;
}

async function loadImage(blob: Blob): Promise<LoadedImage> {
  if (typeof createImageBitmap === 'function') {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(blob);
    } catch {
      throw new QrImageError();
    }
    return {
      source: bitmap,
      width: bitmap.width,
      height: bitmap.height,
      close: () => bitmap.close(),
    };
  }
  // Older browsers without createImageBitmap: decode through an <img>.
  const url = URL.createObjectURL(blob);
  const img = new Image();
  img.src = url;
  try {
    await img.decode();
  } catch {
    URL.revokeObjectURL(url);
    throw new QrImageError();
  }
  return {
    source: img,
    width: img.naturalWidth,
    height: img.naturalHeight,
    close: () => URL.revokeObjectURL(url),
  };
}
