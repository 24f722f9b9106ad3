import { readFileSync } from 'node:fs';
import {
  decodeMigrationPayload,
  normalizeSecret,
  type OtpAccount,
  OtpError,
  parseKeyUri,
} from '../otp/index.ts';
import { decodeJpeg } from '../testing/decode-jpeg.ts';
import { decodePng } from '../testing/decode-png.ts';
import { rasterizeQrSvg, readQr } from '../testing/read-qr.ts';
import { TestingError } from '../testing/testing-error.ts';
import { CliError, EXIT } from './cli-error.ts';

const PNG = [0x89, 0x50, 0x4e, 0x47];
const JPEG = [0xff, 0xd8, 0xff];

/**
 * The text of the QR code in a PNG, JPEG (baseline) or SVG file, as a phone's scanner reads it.
 *
 * @param path - a PNG, JPEG or SVG file
 * @throws CliError UNREADABLE: missing file, not a PNG, JPEG or SVG, corrupt, or no QR code in it
 */
export function readQrFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'unreadable';
    throw new CliError(EXIT.UNREADABLE, `${path}: ${reason}`);
  }
  try {
    if (PNG.every((b, i) => bytes[i] === b)) return readQr(decodePng(bytes));
    if (JPEG.every((b, i) => bytes[i] === b)) return readQr(decodeJpeg(bytes));
    const text = bytes.toString('utf8');
    if (/<svg[\s>]/i.test(text)) return readQr(rasterizeQrSvg(text));
  } catch (error) {
    if (!(error instanceof TestingError)) throw error;
    const what = error.code === 'NO_QR_FOUND' ? 'no QR code found in the image' : error.message;
    throw new CliError(EXIT.UNREADABLE, `${path}: ${what}`);
  }
  throw new CliError(EXIT.UNREADABLE, `${path}: not a PNG, JPEG or SVG image`);
}

/** Whether `input` is an otpauth URI (key or migration) rather than a file or a secret. */
const isUri = (input: string) => /^otpauth(-migration)?:\/\//i.test(input.trim());

/**
 * The text an argument stands for: a URI as given, else the QR content of the file it names.
 *
 * @param input - `otpauth://…`, `otpauth-migration://…`, or a PNG/JPEG/SVG path
 */
export function readUriOrImage(input: string): string {
  return isUri(input) ? input.trim() : readQrFile(input);
}

/**
 * Every account an argument holds: an `otpauth://` URI, a Google Authenticator export
 * (`otpauth-migration://`), a bare base32 secret (TOTP, SHA1, 6 digits, 30 s), or a PNG/JPEG/SVG
 * image of a QR code holding either URI.
 *
 * @param input - the command-line argument
 * @returns the accounts, at least one
 * @throws CliError UNREADABLE when nothing usable is in it
 */
export function readAccounts(input: string): OtpAccount[] {
  const looksLikeSecret = !isUri(input) && /^[A-Za-z2-7\s=-]+$/.test(input) && input.length >= 16;
  try {
    if (looksLikeSecret) {
      return [
        {
          type: 'totp',
          secret: normalizeSecret(input),
          label: 'secret',
          algorithm: 'SHA1',
          digits: 6,
          period: 30,
        },
      ];
    }
    const text = readUriOrImage(input);
    if (/^otpauth-migration:/i.test(text)) {
      const { accounts, skipped } = decodeMigrationPayload(text);
      if (accounts.length === 0) {
        throw new CliError(
          EXIT.UNREADABLE,
          `the export holds no usable account (${skipped.length} skipped)`,
        );
      }
      return accounts;
    }
    return [parseKeyUri(text)];
  } catch (error) {
    if (error instanceof OtpError)
      throw new CliError(EXIT.UNREADABLE, `${error.code}: ${error.message}`);
    throw error;
  }
}

/** `Issuer:label`, or the label alone, as authenticator apps list an account. */
export const accountName = (account: OtpAccount) =>
  account.issuer ? `${account.issuer}:${account.label}` : account.label;
