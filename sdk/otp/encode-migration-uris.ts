import { assertAccount } from './account.ts';
import { base64Encode } from './base64.ts';
import { OtpError } from './errors.ts';
import { MIGRATION_ENUMS } from './migration-account.ts';
import { ProtoWriter } from './protobuf.ts';
import { defaultRandom, type RandomSource, secretBytes } from './secret.ts';
import { LIMITS, type OtpAccount } from './types.ts';

export interface EncodeMigrationOptions {
  /** Accounts per QR code, 1–10 (default 10, what Google Authenticator writes). */
  batchSize?: number;
  /** The int32 shared by every QR code of the export (default random). */
  batchId?: number;
  /** Source of the random batch id; tests may pass a fixed one. */
  random?: RandomSource;
}

function entry(account: OtpAccount, index: number): Uint8Array {
  assertAccount(account);
  // The format has no period field and only 6 or 8 digits: exporting anything else would
  // silently give wrong codes on the other device, so it is refused.
  if (account.period !== 30) {
    throw new OtpError(
      'UNEXPORTABLE_ACCOUNT',
      `Account ${index + 1} uses a ${account.period}-second period; Google Authenticator exports only carry 30-second codes.`,
    );
  }
  if (account.digits !== 6 && account.digits !== 8) {
    throw new OtpError(
      'UNEXPORTABLE_ACCOUNT',
      `Account ${index + 1} uses ${account.digits}-digit codes; Google Authenticator exports only carry 6 or 8 digits.`,
    );
  }
  const issuer = account.issuer ?? '';
  const w = new ProtoWriter()
    .bytes(1, secretBytes(account.secret))
    .string(2, issuer === '' ? account.label : `${issuer}:${account.label}`);
  if (issuer !== '') w.string(3, issuer);
  w.uint(4, MIGRATION_ENUMS.algorithm[account.algorithm])
    .uint(5, MIGRATION_ENUMS.digits[account.digits])
    .uint(6, MIGRATION_ENUMS.type[account.type]);
  if (account.type === 'hotp') w.uint(7, account.counter as number);
  return w.finish();
}

function randomBatchId(random: RandomSource): number {
  const bytes = new Uint8Array(4);
  random(bytes);
  return new DataView(bytes.buffer).getInt32(0);
}

/**
 * Writes accounts as a Google Authenticator export: one `otpauth-migration://offline?data=…`
 * URI (one QR code) per batch of at most 10 accounts, with batch index, size and a shared id,
 * so the export opens in Google Authenticator and the apps that import its format.
 *
 * @param accounts Valid accounts with a 30-second period and 6 or 8 digits.
 * @param opts `batchSize` (1–10, default 10), `batchId` (int32, default random), `random`.
 * @returns The URIs in order; none for no accounts.
 * @throws {OtpError} UNEXPORTABLE_ACCOUNT for another period or 7 digits, the field's code for
 *   an invalid account, INVALID_ARGUMENT for a bad option, MIGRATION_TOO_LONG past 64 KiB.
 * @example
 * const uris = encodeMigrationUris(accounts); // show each as a QR code, "1 of N"
 */
export function encodeMigrationUris(
  accounts: OtpAccount[],
  opts: EncodeMigrationOptions = {},
): string[] {
  const { batchSize = 10, random = defaultRandom } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
    throw new OtpError('INVALID_ARGUMENT', 'The batch size must be a whole number from 1 to 10.');
  }
  const batchId = opts.batchId ?? randomBatchId(random);
  if (!Number.isInteger(batchId) || batchId < -0x80000000 || batchId > 0x7fffffff) {
    throw new OtpError('INVALID_ARGUMENT', 'The batch id must be a 32-bit integer.');
  }
  if (!Array.isArray(accounts)) throw new OtpError('INVALID_ARGUMENT', 'Accounts must be a list.');
  const entries = accounts.map(entry);
  const size = Math.ceil(entries.length / batchSize);
  const uris: string[] = [];
  for (let index = 0; index < size; index++) {
    const w = new ProtoWriter();
    for (const e of entries.slice(index * batchSize, (index + 1) * batchSize)) w.bytes(1, e);
    w.uint(2, 1).uint(3, size).uint(4, index).int32(5, batchId);
    const uri = `otpauth-migration://offline?data=${encodeURIComponent(base64Encode(w.finish()))}`;
    if (uri.length > LIMITS.maxMigrationUriLength) {
      throw new OtpError(
        'MIGRATION_TOO_LONG',
        'These accounts are too long for one export code (64 KiB).',
      );
    }
    uris.push(uri);
  }
  return uris;
}
