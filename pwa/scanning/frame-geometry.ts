/** Width and height of a pixel grid. */
export interface Size {
  width: number;
  height: number;
}

/**
 * Size a camera frame is drawn at before the decoder sees it: at most `maxWidth` pixels wide, aspect
 * ratio kept, never enlarged. The decoder's cost grows with the pixel count, and a QR held in front of a
 * phone camera still has several pixels per module at 640 px.
 *
 * @param source - the frame's natural size (e.g. `video.videoWidth` / `videoHeight`)
 * @param maxWidth - the widest frame to decode, 640 by default
 * @returns whole-pixel size, at least 1×1; 0×0 while the video has no frame yet
 * @example fitWidth({ width: 1920, height: 1080 }) // { width: 640, height: 360 }
 */
export function fitWidth(source: Size, maxWidth = 640): Size {
  const { width, height } = source;
  if (!(width > 0 && height > 0)) return { width: 0, height: 0 };
  if (width <= maxWidth) return { width: Math.round(width), height: Math.round(height) };
  return {
    width: Math.round(maxWidth),
    height: Math.max(1, Math.round((height * maxWidth) / width)),
  };
}

/** Largest side an image is decoded at: 4096² RGBA is 64 MiB, more would risk the tab. */
export const MAX_IMAGE_SIDE = 4096;

/**
 * The sizes a still image is tried at, best bet first. A decoder finds a QR most reliably when a
 * module is a few pixels wide and the image is not huge, so a photo is first shrunk to about
 * 1024 px, then tried smaller (blurs sensor noise away) and larger (keeps tiny QRs in a big
 * photo), and a tiny image is enlarged so its modules become several pixels wide.
 *
 * @param source - the image's natural size
 * @returns distinct sizes, aspect ratio kept, each side between 1 and {@link MAX_IMAGE_SIDE}
 * @example imageDecodeSizes({ width: 3000, height: 3000 })[0] // { width: 1024, height: 1024 }
 */
export function imageDecodeSizes(source: Size): Size[] {
  const long = Math.max(source.width, source.height);
  if (!(long > 0)) return [];
  const longSides = [
    Math.min(long, 1024),
    long < 400 ? long * 2 : 0,
    long < 200 ? long * 4 : 0,
    long > 1024 ? 640 : 0,
    long > 1024 ? Math.min(long, 2048) : 0,
    long > 2048 ? Math.min(long, MAX_IMAGE_SIDE) : 0,
    long > 512 ? 400 : 0,
  ];
  const seen = new Set<number>();
  const sizes: Size[] = [];
  for (const side of longSides) {
    const target = Math.min(side, MAX_IMAGE_SIDE);
    if (target <= 0 || seen.has(target)) continue;
    seen.add(target);
    const ratio = target / long;
    sizes.push({
      width: Math.max(1, Math.round(source.width * ratio)),
      height: Math.max(1, Math.round(source.height * ratio)),
    });
  }
  return sizes;
}
