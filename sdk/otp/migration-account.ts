import { base32Encode } from './base32.ts';
import { OtpError } from './errors.ts';
import { expectWire, ProtoReader, toSafeUint, type Varint, WIRE } from './protobuf.ts';
import { type Algorithm, LIMITS, type OtpAccount } from './types.ts';

/** Enum values of Google Authenticator's OtpParameters message. */
export const MIGRATION_ENUMS = {
  algorithm: { SHA1: 1, SHA256: 2, SHA512: 3 } as const,
  digits: { 6: 1, 8: 2 } as const,
  type: { hotp: 1, totp: 2 } as const,
};
const ALGORITHM_BY_ENUM: Record<number, Algorithm> = {
  0: 'SHA1',
  1: 'SHA1',
  2: 'SHA256',
  3: 'SHA512',
};
const DIGITS_BY_ENUM: Record<number, number> = { 0: 6, 1: 6, 2: 8 };
const TYPE_BY_ENUM: Record<number, 'totp' | 'hotp'> = { 0: 'totp', 1: 'hotp', 2: 'totp' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes).trim();
  } catch {
    throw new OtpError('INVALID_MIGRATION', 'An account name in this export is not valid text.');
  }
}

/** Enum varints are small; anything past 32 bits is an unknown value. */
function enumValue(v: Varint): number {
  return v.hi === 0 ? v.lo : -1;
}

/**
 * Decodes one OtpParameters entry into a complete account, or throws: an entry is never
 * half-decoded. Fields: 1 secret, 2 name, 3 issuer, 4 algorithm, 5 digits, 6 type, 7 counter.
 */
export function migrationAccount(entry: Uint8Array): OtpAccount {
  const reader = new ProtoReader(entry);
  let secret: Uint8Array = new Uint8Array(0);
  let name = '';
  let issuer = '';
  let algorithm = 0;
  let digits = 0;
  let type = 0;
  let counter: number | null = 0;
  while (!reader.done) {
    const { field, wire } = reader.tag();
    if (field >= 1 && field <= 3) {
      expectWire(wire, WIRE.bytes);
      const bytes = reader.bytesField();
      if (field === 1) secret = bytes;
      else if (field === 2) name = text(bytes);
      else issuer = text(bytes);
    } else if (field >= 4 && field <= 7) {
      expectWire(wire, WIRE.varint);
      const v = reader.varint();
      if (field === 4) algorithm = enumValue(v);
      else if (field === 5) digits = enumValue(v);
      else if (field === 6) type = enumValue(v);
      else counter = toSafeUint(v);
    } else reader.skip(wire);
  }

  const kind = TYPE_BY_ENUM[type];
  if (kind === undefined)
    throw new OtpError('UNSUPPORTED_TYPE', 'An account in this export has an unknown type.');
  const hash = ALGORITHM_BY_ENUM[algorithm];
  if (hash === undefined) {
    throw new OtpError(
      'UNSUPPORTED_ALGORITHM',
      'An account in this export uses an unsupported algorithm (such as MD5).',
    );
  }
  const length = DIGITS_BY_ENUM[digits];
  if (length === undefined)
    throw new OtpError(
      'INVALID_DIGITS',
      'An account in this export has an unsupported code length.',
    );
  if (secret.length === 0)
    throw new OtpError('MISSING_SECRET', 'An account in this export has no secret key.');
  if (secret.length < LIMITS.minSecretBytes)
    throw new OtpError(
      'SECRET_TOO_SHORT',
      'An account in this export has a secret key that is too short.',
    );
  if (secret.length > LIMITS.maxSecretBytes)
    throw new OtpError(
      'SECRET_TOO_LONG',
      'An account in this export has a secret key that is too long.',
    );

  // Google Authenticator keeps the "Issuer:" prefix in the name; without an issuer the name is whole.
  const label =
    issuer !== '' && name.startsWith(`${issuer}:`)
      ? name.slice(issuer.length + 1).trimStart()
      : name;
  const account: OtpAccount = {
    type: kind,
    secret: base32Encode(secret),
    label,
    algorithm: hash,
    digits: length,
    period: 30,
  };
  if (issuer !== '') account.issuer = issuer;
  if (kind === 'hotp') {
    if (counter === null)
      throw new OtpError(
        'INVALID_COUNTER',
        'An account in this export has a counter that is too large.',
      );
    account.counter = counter;
  }
  return account;
}
