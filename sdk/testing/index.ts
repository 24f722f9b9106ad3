/**
 * `sdk/testing`: a virtual authenticator for tests (reads QR PNG/SVG or URIs, gives codes at
 * any clock), and the small image readers it stands on.
 *
 * @example
 * import { createVirtualAuthenticator } from 'mfa-companion/testing';
 */
export {
  createVirtualAuthenticator,
  type VirtualAuthenticator,
  type VirtualAuthenticatorOptions,
} from './create-virtual-authenticator.ts';
export { decodePng, type RgbaImage } from './decode-png.ts';
export { rasterizeQrSvg, readQr } from './read-qr.ts';
export { TestingError, type TestingErrorCode, TestingErrorCodes } from './testing-error.ts';
