import { generateCode, type OtpAccount, parseKeyUri } from '../otp/index.ts';
import { decodePng } from './decode-png.ts';
import { rasterizeQrSvg, readQr } from './read-qr.ts';
import { TestingError } from './testing-error.ts';

/** Options of {@link createVirtualAuthenticator}. */
export interface VirtualAuthenticatorOptions {
  /** The phone's clock, ms since epoch. Default `Date.now`; pass the server's test clock. */
  now?: () => number;
}

/** A phone's authenticator app, for tests: holds accounts, reads QR codes, gives codes. */
export interface VirtualAuthenticator {
  /** The accounts held, in the order added. */
  readonly accounts: readonly OtpAccount[];
  /** Adds the account of an `otpauth://` URI (throws OtpError when invalid). */
  addUri(otpauthUri: string): OtpAccount;
  /** Scans a QR code from a PNG (the `qrcode` package's, or a browser screenshot). */
  addFromQrPng(png: Uint8Array): OtpAccount;
  /** Scans a QR code drawn as SVG, as the server's `qrSvg`. */
  addFromQrSvg(svg: string): OtpAccount;
  /** The code shown for an account now, or at `at` (ms since epoch). HOTP: the current counter's. */
  code(label?: string, at?: number): string;
  /**
   * The code of the time step after the one at `at` (TOTP), as if the test waited for the
   * phone to roll over: what a second login in the same 30 s needs past the replay guard.
   * HOTP: advances the counter, then returns its code.
   */
  nextCode(label?: string, at?: number): string;
}

/**
 * Creates a virtual authenticator: what the e2e and server tests use to play the phone.
 *
 * @param options - see {@link VirtualAuthenticatorOptions}
 * @returns a {@link VirtualAuthenticator}
 * @example
 * const phone = createVirtualAuthenticator({ now: clock.now });
 * phone.addFromQrPng(await page.locator('mfa-enroll img').screenshot());
 * await client.enableMfa({ code: phone.code() });
 */
export function createVirtualAuthenticator({
  now = Date.now,
}: VirtualAuthenticatorOptions = {}): VirtualAuthenticator {
  const accounts: OtpAccount[] = [];

  const add = (otpauthUri: string): OtpAccount => {
    const account = parseKeyUri(otpauthUri);
    accounts.push(account);
    return account;
  };

  /** By label (`label` or `issuer:label`); without one, the account added last. */
  const find = (label?: string): OtpAccount => {
    const account =
      label === undefined
        ? accounts.at(-1)
        : accounts.findLast((a) => a.label === label || `${a.issuer ?? ''}:${a.label}` === label);
    if (!account) {
      throw new TestingError(
        'UNKNOWN_ACCOUNT',
        label ? `no account labelled ${label}` : 'no accounts yet',
      );
    }
    return account;
  };

  return {
    accounts,
    addUri: add,
    addFromQrPng: (png) => add(readQr(decodePng(png))),
    addFromQrSvg: (svg) => add(readQr(rasterizeQrSvg(svg))),
    code: (label, at = now()) => generateCode(find(label), at),
    nextCode(label, at = now()) {
      const account = find(label);
      if (account.type === 'hotp') {
        account.counter = (account.counter ?? 0) + 1;
        return generateCode(account, at);
      }
      const periodMs = account.period * 1000;
      return generateCode(account, (Math.floor(at / periodMs) + 1) * periodMs);
    },
  };
}
