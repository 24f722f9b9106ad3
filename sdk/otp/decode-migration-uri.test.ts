import { describe, expect, it } from 'vitest';
import { decodeMigrationPayload, decodeMigrationUri } from './decode-migration-uri.ts';

/** Bytes written by hand from the OtpParameters / MigrationPayload schema, not by our encoder. */
const ascii = (s: string) => [...new TextEncoder().encode(s)];
const field = (key: number, bytes: number[]) => [key, bytes.length, ...bytes];
const HELLO = [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef]; // JBSWY3DPEHPK3PXP

const alice = [
  ...field(0x0a, HELLO), // 1 secret
  ...field(0x12, ascii('ACME:alice@example.com')), // 2 name, with the issuer prefix
  ...field(0x1a, ascii('ACME')), // 3 issuer
  0x20,
  0x01, // 4 algorithm SHA1
  0x28,
  0x01, // 5 digits SIX
  0x30,
  0x02, // 6 type TOTP
];
const bob = [
  ...field(0x0a, ascii('12345678901234567890')),
  ...field(0x12, ascii('bob 🔐')),
  0x20,
  0x02, // SHA256
  0x28,
  0x02, // EIGHT
  0x30,
  0x01, // HOTP
  0x38,
  0x07, // 7 counter 7
];
const md5 = [...field(0x0a, HELLO), ...field(0x12, ascii('old')), 0x20, 0x04, 0x30, 0x02];
// batch_id -2 as int32: sign-extended to a ten-byte varint.
const MINUS_TWO = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
const payload = [
  ...field(0x0a, alice),
  ...field(0x0a, bob),
  ...field(0x0a, md5),
  0x10,
  0x01, // 2 version 1
  0x18,
  0x03, // 3 batch_size 3
  0x20,
  0x01, // 4 batch_index 1
  0x28,
  ...MINUS_TWO, // 5 batch_id
];
const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');
const uriOf = (bytes: number[]) =>
  `otpauth-migration://offline?data=${encodeURIComponent(b64(bytes))}`;

describe('decodeMigrationPayload: a hand-built Google Authenticator export', () => {
  const decoded = decodeMigrationPayload(uriOf(payload));
  it('reads a TOTP entry and drops the issuer prefix from its name', () => {
    expect(decoded.accounts[0]).toStrictEqual({
      type: 'totp',
      secret: 'JBSWY3DPEHPK3PXP',
      issuer: 'ACME',
      label: 'alice@example.com',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
  });
  it('reads an HOTP entry with SHA256, 8 digits, counter and a UTF-8 name', () => {
    expect(decoded.accounts[1]).toStrictEqual({
      type: 'hotp',
      secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      label: 'bob 🔐',
      algorithm: 'SHA256',
      digits: 8,
      period: 30,
      counter: 7,
    });
  });
  it('lists the MD5 entry as skipped with its position, not as an account', () => {
    expect(decoded.accounts).toHaveLength(2);
    expect(decoded.skipped).toEqual([
      expect.objectContaining({ index: 2, reason: 'UNSUPPORTED_ALGORITHM' }),
    ]);
  });
  it('reports version and batch position, with a negative int32 batch id', () => {
    expect(decoded.version).toBe(1);
    expect(decoded.batch).toEqual({ index: 1, size: 3, id: -2 });
  });
  it.each([
    ['+ turned into spaces', (s: string) => s.replace(/\+/g, ' ')],
    ['URL-safe base64', (s: string) => s.replace(/\+/g, '-').replace(/\//g, '_')],
    ['missing padding', (s: string) => s.replace(/=+$/, '')],
    ['no percent-encoding', (s: string) => s],
  ])('tolerates %s', (_, damage) => {
    const data = b64(payload);
    expect(data).toMatch(/[+/=]/); // the fixture exercises every repaired character
    expect(decodeMigrationPayload(`otpauth-migration://offline?data=${damage(data)}`)).toEqual(
      decoded,
    );
  });
  it('skips unknown fields of every wire type', () => {
    const extra = [
      0x48, 0x96, 0x01, 0x52, 0x02, 0x61, 0x62, 0x59, 1, 2, 3, 4, 5, 6, 7, 8, 0x65, 1, 2, 3, 4,
    ];
    const withUnknown = [...field(0x0a, [...alice, ...extra]), ...extra];
    expect(decodeMigrationUri(uriOf(withUnknown))).toEqual([decoded.accounts[0]]);
  });
  it('treats a missing batch size as a single-code export', () => {
    expect(decodeMigrationPayload(uriOf(field(0x0a, alice))).batch).toEqual({
      index: 0,
      size: 1,
      id: 0,
    });
  });
});

describe('decodeMigrationUri', () => {
  it('reads the example export circulated with Go otpauth (github.com/dim13/otpauth)', () => {
    const uri =
      'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC';
    expect(decodeMigrationUri(uri)).toStrictEqual([
      {
        type: 'totp',
        secret: 'JBSWY3DPEHPK3PXP',
        issuer: 'Example',
        label: 'alice@google.com',
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      },
    ]);
  });
  it('throws MIGRATION_EMPTY when no entry can be used', () => {
    expect(() => decodeMigrationUri(uriOf(field(0x0a, md5)))).toThrow(
      expect.objectContaining({ code: 'MIGRATION_EMPTY' }),
    );
  });
  it('never half-decodes an entry whose inner bytes are cut short', () => {
    const cut = field(0x0a, [...alice.slice(0, -1), 0x38, 0x80]); // counter varint truncated
    const result = decodeMigrationPayload(uriOf([...cut, ...field(0x0a, bob)]));
    expect(result.accounts.map((a) => a.label)).toEqual(['bob 🔐']);
    expect(result.skipped).toEqual([
      expect.objectContaining({ index: 0, reason: 'INVALID_MIGRATION' }),
    ]);
  });
});
