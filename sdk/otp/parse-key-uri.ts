import { checkCounter, checkDigits, checkPeriod, toAlgorithm } from './account.ts';
import { OtpError } from './errors.ts';
import { normalizeSecret } from './secret.ts';
import { DEFAULTS, LIMITS, type OtpAccount } from './types.ts';

const SCHEME = 'otpauth://';

function invalid(message: string): OtpError {
  return new OtpError('INVALID_URI', message);
}

function decode(text: string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, ' ') : text);
  } catch {
    throw invalid('This link is damaged: it contains a broken %-escape.');
  }
}

/** Query parameters by lower-case name; a repeated one is ambiguous, so it is an error. */
export function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq), true).toLowerCase();
    // Form encoding (`+` for a space) is common in the query; a literal `+` arrives as %2B.
    const value = eq < 0 ? '' : decode(part.slice(eq + 1), true);
    if (params.has(name)) throw invalid(`This link is ambiguous: "${name}" appears twice.`);
    params.set(name, value);
  }
  return params;
}

function integerParam(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  return /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
}

/**
 * Splits a label into issuer and account name. An `issuer` parameter wins: the label loses
 * that prefix (so an issuer may contain a colon) or, failing that, anything before its first
 * colon. An empty `issuer=` means "no issuer": the label is kept whole.
 */
function splitLabel(label: string, issuerParam: string | undefined): [string | undefined, string] {
  if (issuerParam !== undefined) {
    const issuer = issuerParam.trim();
    if (issuer === '') return [undefined, label];
    if (label.startsWith(`${issuer}:`)) return [issuer, label.slice(issuer.length + 1).trimStart()];
    const colon = label.indexOf(':');
    return [issuer, colon < 0 ? label : label.slice(colon + 1).trimStart()];
  }
  const colon = label.indexOf(':');
  if (colon < 0) return [undefined, label];
  const issuer = label.slice(0, colon).trim();
  return [issuer === '' ? undefined : issuer, label.slice(colon + 1).trimStart()];
}

/**
 * Reads an `otpauth://` key URI as authenticators and identity providers really write them:
 * secrets with spaces, dashes, lower case or padding; the issuer from the `issuer` parameter or
 * the label prefix; percent-encoded labels (`:`, `@`, `+`, emoji); a raw `#` in the label
 * (`#EXT#`); the algorithm in any case; HOTP with `counter`.
 *
 * @param uri The whole URI, at most 4 KiB.
 * @returns The account, with defaults filled in (SHA1, 6 digits, 30 s).
 * @throws {OtpError} INVALID_URI, URI_TOO_LONG, UNSUPPORTED_TYPE, MISSING_SECRET, INVALID_SECRET,
 *   SECRET_TOO_SHORT, SECRET_TOO_LONG, UNSUPPORTED_ALGORITHM, INVALID_DIGITS, INVALID_PERIOD,
 *   INVALID_COUNTER.
 * @see https://github.com/google/google-authenticator/wiki/Key-Uri-Format
 * @example
 * parseKeyUri('otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME');
 * // { type: 'totp', secret: 'JBSWY3DPEHPK3PXP', issuer: 'ACME', label: 'alice@example.com',
 * //   algorithm: 'SHA1', digits: 6, period: 30 }
 */
export function parseKeyUri(uri: string): OtpAccount {
  if (typeof uri !== 'string') throw invalid('This is not an otpauth:// link.');
  if (uri.length > LIMITS.maxUriLength) {
    throw new OtpError('URI_TOO_LONG', 'This link is too long to be an authenticator key (4 KiB).');
  }
  const text = uri.trim();
  if (text.slice(0, SCHEME.length).toLowerCase() !== SCHEME) {
    throw invalid('This is not an otpauth:// link.');
  }
  // No URL parser: a raw `#` in a label (Entra ID's `#EXT#`) is not a fragment here.
  const rest = text.slice(SCHEME.length);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const slash = path.indexOf('/');
  const type = (slash < 0 ? path : path.slice(0, slash)).toLowerCase();
  if (type !== 'totp' && type !== 'hotp') {
    throw new OtpError(
      'UNSUPPORTED_TYPE',
      'Only time-based (TOTP) and counter-based (HOTP) keys are supported.',
    );
  }
  const label = slash < 0 ? '' : decode(path.slice(slash + 1), false).trim();
  const params = parseQuery(q < 0 ? '' : rest.slice(q + 1));

  const secretParam = params.get('secret');
  if (secretParam === undefined || secretParam.trim() === '') {
    throw new OtpError('MISSING_SECRET', 'This link has no secret key.');
  }
  const secret = normalizeSecret(secretParam);
  const algorithmParam = params.get('algorithm')?.trim();
  const algorithm = algorithmParam ? toAlgorithm(algorithmParam) : DEFAULTS.algorithm;
  const digits = integerParam(params.get('digits'), DEFAULTS.digits);
  checkDigits(digits);
  const period = integerParam(params.get('period'), DEFAULTS.period);
  checkPeriod(period);

  const [issuer, name] = splitLabel(label, params.get('issuer'));
  const account: OtpAccount = {
    type,
    secret,
    ...(issuer !== undefined && { issuer }),
    label: name,
    algorithm,
    digits,
    period,
  };
  if (type === 'hotp') {
    const counter = integerParam(params.get('counter'), Number.NaN);
    checkCounter(counter);
    account.counter = counter;
  }
  return account;
}
