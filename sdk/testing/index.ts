/**
 * `sdk/testing`: a virtual authenticator for tests (reads QR PNG/SVG or URIs, gives codes at
 * any clock), a Playwright helper that reads the QR shown on a page into one, and the small
 * image readers they stand on.
 *
 * @example
 * import { createVirtualAuthenticator } from 'mfa-companion/testing';
 */
export {
  createVirtualAuthenticator,
  type VirtualAuthenticator,
  type VirtualAuthenticatorOptions,
} from './create-virtual-authenticator.ts';
export { decodeJpeg } from './decode-jpeg.ts';
export { decodePng, type RgbaImage } from './decode-png.ts';
export { rasterizeQrSvg, readQr } from './read-qr.ts';
export {
  type AuthenticatorFromPageOptions,
  authenticatorFromPage,
  type QrLocator,
  type QrPage,
  type ReadQrFromPageOptions,
  readQrFromPage,
} from './read-qr-from-page.ts';
export { TestingError, type TestingErrorCode, TestingErrorCodes } from './testing-error.ts';
