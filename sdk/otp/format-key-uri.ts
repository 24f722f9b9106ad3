import { assertAccount } from './account.ts';
import { OtpError } from './errors.ts';
import { normalizeSecret } from './secret.ts';
import { LIMITS, type OtpAccount } from './types.ts';

function encode(text: string, what: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // Only a lone UTF-16 surrogate makes encodeURIComponent throw.
    throw new OtpError('INVALID_LABEL', `The ${what} contains a broken character.`);
  }
}

/**
 * Writes an account as an `otpauth://` key URI, the form every authenticator scans. The label
 * carries the issuer prefix and the `issuer` parameter, as Google's Key URI Format recommends;
 * an account without issuer whose name has a colon gets an empty `issuer=` so that no reader
 * mistakes the part before the colon for an issuer. An empty issuer counts as none.
 *
 * `parseKeyUri(formatKeyUri(a))` equals `a` for every valid account whose label and issuer have
 * no leading or trailing white space (the parser trims them) and whose secret is canonical.
 *
 * @param account A valid account.
 * @returns The URI (at most 4 KiB).
 * @throws {OtpError} when a field is invalid, INVALID_LABEL for text with a lone surrogate,
 *   URI_TOO_LONG when the result would exceed 4 KiB.
 * @example
 * formatKeyUri({ type: 'totp', secret: 'JBSWY3DPEHPK3PXP', issuer: 'ACME', label: 'alice',
 *   algorithm: 'SHA1', digits: 6, period: 30 });
 * // 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA1&digits=6&period=30'
 */
export function formatKeyUri(account: OtpAccount): string {
  assertAccount(account);
  const issuer = account.issuer === '' ? undefined : account.issuer;
  const label = encode(account.label, 'account name');
  let uri = `otpauth://${account.type}/`;
  let issuerParam = '';
  if (issuer !== undefined) {
    const encodedIssuer = encode(issuer, 'issuer');
    uri += `${encodedIssuer}:${label}`;
    issuerParam = `&issuer=${encodedIssuer}`;
  } else {
    uri += label;
    if (account.label.includes(':')) issuerParam = '&issuer=';
  }
  uri += `?secret=${normalizeSecret(account.secret)}${issuerParam}`;
  uri += `&algorithm=${account.algorithm}&digits=${account.digits}`;
  if (account.type === 'totp' || account.period !== 30) uri += `&period=${account.period}`;
  if (account.type === 'hotp') uri += `&counter=${account.counter}`;
  if (uri.length > LIMITS.maxUriLength) {
    throw new OtpError('URI_TOO_LONG', 'The account name is too long for a key URI (4 KiB).');
  }
  return uri;
}
