import { describe, expect, it } from 'vitest';
import { decodeMigrationUri } from './decode-migration-uri.ts';
import { OtpError, type OtpErrorCode } from './errors.ts';
import { generateCode } from './generate-code.ts';
import { parseKeyUri } from './parse-key-uri.ts';
import { normalizeSecret } from './secret.ts';
import type { OtpAccount } from './types.ts';
import { verifyCode } from './verify-code.ts';

const S = 'JBSWY3DPEHPK3PXP';
const totp = (q: string, path = 'ACME:alice') => `otpauth://totp/${path}?secret=${S}&${q}`;
const mig = (bytes: number[]) =>
  `otpauth-migration://offline?data=${encodeURIComponent(Buffer.from(bytes).toString('base64'))}`;
const entry = (bytes: number[]) => [0x0a, bytes.length, ...bytes];
const HELLO = [0x0a, 10, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef];

const uris: [string, unknown, OtpErrorCode][] = [
  ['an https link', 'https://example.com/?secret=JBSWY3DPEHPK3PXP', 'INVALID_URI'],
  ['an empty string', '', 'INVALID_URI'],
  ['a number', 42, 'INVALID_URI'],
  ['a bare scheme', 'otpauth:', 'INVALID_URI'],
  ['a broken %-escape in the label', `otpauth://totp/%E0%A4%A?secret=${S}`, 'INVALID_URI'],
  ['a broken %-escape in a parameter', totp('issuer=%zz'), 'INVALID_URI'],
  ['a repeated secret', totp(`secret=${S}`), 'INVALID_URI'],
  ['a 5 KiB link', totp(`image=${'x'.repeat(5000)}`), 'URI_TOO_LONG'],
  ['a steam:// type', `otpauth://steam/x?secret=${S}`, 'UNSUPPORTED_TYPE'],
  ['no type', `otpauth://?secret=${S}`, 'UNSUPPORTED_TYPE'],
  ['motp', `otpauth://motp/x?secret=${S}`, 'UNSUPPORTED_TYPE'],
  ['no secret', 'otpauth://totp/x?issuer=ACME', 'MISSING_SECRET'],
  ['an empty secret', 'otpauth://totp/x?secret=&issuer=ACME', 'MISSING_SECRET'],
  ['a secret of spaces', 'otpauth://totp/x?secret=%20%20', 'MISSING_SECRET'],
  ['a secret with 0, 1, 8', 'otpauth://totp/x?secret=JBSWY3DPEHPK3PX0', 'INVALID_SECRET'],
  [
    'a hex secret',
    'otpauth://totp/x?secret=3132333435363738393031323334353637383930',
    'INVALID_SECRET',
  ],
  ['a 9-byte secret', 'otpauth://totp/x?secret=JBSWY3DPEHPK3PA', 'SECRET_TOO_SHORT'],
  ['a 130-byte secret', `otpauth://totp/x?secret=${'A'.repeat(208)}`, 'SECRET_TOO_LONG'],
  ['MD5', totp('algorithm=MD5'), 'UNSUPPORTED_ALGORITHM'],
  ['SHA224', totp('algorithm=SHA224'), 'UNSUPPORTED_ALGORITHM'],
  ['SHA3-256', totp('algorithm=SHA3-256'), 'UNSUPPORTED_ALGORITHM'],
  ['5 digits', totp('digits=5'), 'INVALID_DIGITS'],
  ['9 digits', totp('digits=9'), 'INVALID_DIGITS'],
  ['6.5 digits', totp('digits=6.5'), 'INVALID_DIGITS'],
  ['digits "six"', totp('digits=six'), 'INVALID_DIGITS'],
  ['period 0', totp('period=0'), 'INVALID_PERIOD'],
  ['period 301', totp('period=301'), 'INVALID_PERIOD'],
  ['period -30', totp('period=-30'), 'INVALID_PERIOD'],
  ['period 30.5', totp('period=30.5'), 'INVALID_PERIOD'],
  ['HOTP without counter', `otpauth://hotp/x?secret=${S}`, 'INVALID_COUNTER'],
  ['HOTP with counter -1', `otpauth://hotp/x?secret=${S}&counter=-1`, 'INVALID_COUNTER'],
  [
    'HOTP with counter past 2^53',
    `otpauth://hotp/x?secret=${S}&counter=9007199254740993`,
    'INVALID_COUNTER',
  ],
  ['HOTP with counter "x"', `otpauth://hotp/x?secret=${S}&counter=x`, 'INVALID_COUNTER'],
];

const secrets: [string, unknown, OtpErrorCode][] = [
  ['undefined', undefined, 'MISSING_SECRET'],
  ['only dashes', '----', 'MISSING_SECRET'],
  ['padding only', '====', 'MISSING_SECRET'],
  ['padding in the middle', 'JBSWY3DP=EHPK3PXP', 'INVALID_SECRET'],
  ['a non-ASCII letter', 'JBSWY3DPEHPK3PXÄ', 'INVALID_SECRET'],
  ['a megabyte of text', 'A'.repeat(1 << 20), 'SECRET_TOO_LONG'],
];

const migrations: [string, string, OtpErrorCode][] = [
  ['an otpauth:// link', `otpauth://totp/x?secret=${S}`, 'INVALID_MIGRATION'],
  ['another host', 'otpauth-migration://online?data=CgA', 'INVALID_MIGRATION'],
  ['no data', 'otpauth-migration://offline', 'INVALID_MIGRATION'],
  ['two data parts', 'otpauth-migration://offline?data=CgA&data=CgA', 'INVALID_MIGRATION'],
  ['data that is not base64', 'otpauth-migration://offline?data=%21%21%21%21', 'INVALID_MIGRATION'],
  ['base64 of impossible length', 'otpauth-migration://offline?data=CgACg', 'INVALID_MIGRATION'],
  ['a truncated varint', mig([0x10, 0x80]), 'INVALID_MIGRATION'],
  ['a varint of eleven bytes', mig([0x10, ...Array(10).fill(0xff), 0x01]), 'INVALID_MIGRATION'],
  ['a length past the end', mig([0x0a, 0x20, 0x01]), 'INVALID_MIGRATION'],
  ['an entry sent as a varint', mig([0x08, 0x01]), 'INVALID_MIGRATION'],
  ['a batch size sent as bytes', mig([0x1a, 0x01, 0x00]), 'INVALID_MIGRATION'],
  ['a group wire type', mig([0x33, 0x34]), 'INVALID_MIGRATION'],
  ['field number 0', mig([0x00, 0x01]), 'INVALID_MIGRATION'],
  ['a fixed32 cut short', mig([0x4d, 0x01, 0x02]), 'INVALID_MIGRATION'],
  ['a 70 KiB link', `otpauth-migration://offline?data=${'A'.repeat(70_000)}`, 'MIGRATION_TOO_LONG'],
  ['an empty export', 'otpauth-migration://offline?data=', 'MIGRATION_EMPTY'],
  ['only an MD5 entry', mig(entry([...HELLO, 0x20, 0x04])), 'MIGRATION_EMPTY'],
  ['only an entry without secret', mig(entry([0x12, 0x01, 0x61])), 'MIGRATION_EMPTY'],
  ['only an entry with 7 digits (enum 3)', mig(entry([...HELLO, 0x28, 0x03])), 'MIGRATION_EMPTY'],
  ['only an entry with invalid UTF-8', mig(entry([...HELLO, 0x12, 0x01, 0xff])), 'MIGRATION_EMPTY'],
];

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    expect(error).toBeInstanceOf(OtpError);
    return (error as OtpError).code;
  }
}

describe('bad inputs give their OtpError code, never a crash', () => {
  it('has at least 40 cases in the table', () => {
    expect(uris.length + secrets.length + migrations.length + codes.length).toBeGreaterThanOrEqual(
      40,
    );
  });
  it.each(uris)('parseKeyUri: %s → %s', (_, input, code) => {
    expect(codeOf(() => parseKeyUri(input as string))).toBe(code);
  });
  it.each(secrets)('normalizeSecret: %s → %s', (_, input, code) => {
    expect(codeOf(() => normalizeSecret(input as string))).toBe(code);
  });
  it.each(migrations)('decodeMigrationUri: %s → %s', (_, input, code) => {
    expect(codeOf(() => decodeMigrationUri(input))).toBe(code);
  });
  it('never puts the secret in a message', () => {
    const secret = 'SUPERSECRETKEY7SUPERSECRETKEY7X0';
    const message = (() => {
      try {
        parseKeyUri(`otpauth://totp/x?secret=${secret}`);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toBeDefined();
    expect(message).not.toContain('SUPERSECRET');
  });
});

const account: OtpAccount = {
  type: 'totp',
  secret: S,
  label: 'a',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
};
const AT = 1_234_567_890_000;
const good = generateCode(account, AT);
const codes: [string, unknown][] = [
  ['the right code with a space inside', `${good.slice(0, 3)} ${good.slice(3)}`],
  ['the right code with a leading space', ` ${good}`],
  [
    'the right code in full-width digits',
    good.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
  ],
  ['the right code as a number', Number(`1${good}`)],
  ['seven digits', `${good}1`],
  ['letters', 'abcdef'],
  ['a signed number', `+${good.slice(1)}`],
  ['an exponent', '1e5000'],
];

describe('bad codes give { ok: false }', () => {
  it('accepts the well-formed right code (so the rows below fail for their form)', () => {
    expect(verifyCode(account, good, { at: AT }).ok).toBe(true);
  });
  it.each(codes)('verifyCode: %s', (_, code) => {
    expect(verifyCode(account, code as string, { at: AT })).toEqual({ ok: false });
  });
});
