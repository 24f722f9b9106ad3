import jsQR from 'jsqr';
import { qrModules, renderPhoto, seededRandom, toRgba } from '../../bench/support/qr-photo.ts';
import { greyPng } from '../../bench/support/scan-fixtures.ts';

/**
 * A phone-camera-like 640×480 picture of `text`: tilted, turned, blurred, low in contrast and
 * noisy, as the scan benchmark's photo categories draw them (bench/support/qr-photo.ts).
 *
 * @returns the PNG and whether jsqr alone reads it (the tests pick photos it does not)
 * @example const { png } = photoQrPng(uri);
 */
export function photoQrPng(text: string, seed = 7): { png: Buffer; jsqrReads: boolean } {
  const pixels = toRgba(
    renderPhoto(
      qrModules(text),
      {
        width: 640,
        height: 480,
        codeSide: 250,
        rotate: 17,
        tiltX: 22,
        tiltY: -15,
        blur: 1,
        dark: 0.4,
        light: 0.58,
        noise: 0.02,
        shading: 0.15,
      },
      seededRandom(seed),
    ),
  );
  const read = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: 'attemptBoth' });
  return { png: greyPng(pixels), jsqrReads: read?.data === text };
}
