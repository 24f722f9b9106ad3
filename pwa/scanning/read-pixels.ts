import type { Size } from './frame-geometry.ts';

type Context2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** Draws an image or video frame at a given size and returns its RGBA pixels. */
export type PixelReader = (source: CanvasImageSource, size: Size) => ImageData;

/**
 * Makes a {@link PixelReader} that reuses one canvas: an OffscreenCanvas where the browser has
 * it, else a detached `<canvas>`. Reusing it matters for camera frames, read many times a second.
 *
 * @example
 * const read = createPixelReader();
 * const pixels = read(video, { width: 640, height: 360 });
 */
export function createPixelReader(): PixelReader {
  let context: Context2D | null = null;
  return (source, { width, height }) => {
    context ??= createContext();
    const canvas = context.canvas;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    // Smoothing blurs module edges when enlarging a tiny QR; when shrinking it averages away
    // sensor noise, which helps. So smooth only when shrinking.
    context.imageSmoothingEnabled = width < sourceWidth(source);
    context.drawImage(source, 0, 0, width, height);
    return context.getImageData(0, 0, width, height);
  };
}

function createContext(): Context2D {
  const options: CanvasRenderingContext2DSettings = { willReadFrequently: true, alpha: false };
  const context =
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(1, 1).getContext('2d', options)
      : document.createElement('canvas').getContext('2d', options);
  if (!context) throw new Error('2D canvas is unavailable');
  return context;
}

function sourceWidth(source: CanvasImageSource): number {
  if (source instanceof HTMLVideoElement) return source.videoWidth;
  if (source instanceof HTMLImageElement) return source.naturalWidth;
  if (source instanceof VideoFrame) return source.displayWidth;
  if (source instanceof SVGImageElement) return source.width.baseVal.value;
  return source.width;
}
