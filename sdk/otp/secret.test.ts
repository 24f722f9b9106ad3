import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode } from './base32.ts';
import { forgetSecretKeys, generateSecret, normalizeSecret, secretKey } from './secret.ts';

describe('base32 (RFC 4648 §10 vectors, unpadded)', () => {
  const vectors = [
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];
  it.each(vectors)('encodes %s as %s and back', (text, encoded) => {
    expect(base32Encode(new TextEncoder().encode(text))).toBe(encoded);
    expect(new TextDecoder().decode(base32Decode(encoded) ?? undefined)).toBe(text);
  });
});

describe('normalizeSecret', () => {
  it.each([
    ['spaces', 'JBSW Y3DP EHPK 3PXP', 'JBSWY3DPEHPK3PXP'],
    ['dashes', 'JBSW-Y3DP-EHPK-3PXP', 'JBSWY3DPEHPK3PXP'],
    ['lower case', 'jbswy3dpehpk3pxp', 'JBSWY3DPEHPK3PXP'],
    ['padding', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE======', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE'],
    ['tabs and newlines', ' jbsw\ty3dp\nehpk 3pxp ', 'JBSWY3DPEHPK3PXP'],
    ['stray bits after the last byte', 'JBSWY3DPEHPK3PXPB', 'JBSWY3DPEHPK3PXP'],
  ])('accepts %s', (_, input, canonical) => {
    expect(normalizeSecret(input)).toBe(canonical);
  });
  it('keeps a canonical secret unchanged', () => {
    const secret = generateSecret(37);
    expect(normalizeSecret(secret)).toBe(secret);
  });
});

describe('generateSecret', () => {
  it('makes 20 random bytes by default (32 base32 characters)', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)?.length).toBe(20);
  });
  it('makes a different secret each time', () => {
    expect(new Set(Array.from({ length: 50 }, () => generateSecret())).size).toBe(50);
  });
  it('encodes exactly the bytes of the random source', () => {
    const fixed = (bytes: Uint8Array) =>
      bytes.forEach((_, i) => {
        bytes[i] = 0x66;
      });
    // 'f' repeated: 'MZTGMZTG…'
    expect(generateSecret(10, fixed)).toBe(base32Encode(new Uint8Array(10).fill(0x66)));
    expect(generateSecret(10, fixed).startsWith('MZTGMZTG')).toBe(true);
  });
  it.each([
    [9, 'SECRET_TOO_SHORT'],
    [129, 'SECRET_TOO_LONG'],
    [20.5, 'INVALID_ARGUMENT'],
  ])('refuses %s bytes with %s', (bytes, code) => {
    expect(() => generateSecret(bytes)).toThrow(expect.objectContaining({ code }));
  });
});

describe('forgetSecretKeys', () => {
  it('empties the decoded-key cache: the next use decodes the secret anew', () => {
    const first = secretKey('JBSWY3DPEHPK3PXP');
    expect(secretKey('JBSWY3DPEHPK3PXP')).toBe(first);
    forgetSecretKeys();
    expect(secretKey('JBSWY3DPEHPK3PXP')).not.toBe(first);
  });
  it('wipes the bytes it forgets, so a dropped key does not linger in memory', () => {
    const key = secretKey('JBSWY3DPEHPK3PXP');
    key.mac('SHA1', new Uint8Array(8));
    expect(key.bytes.some((b) => b !== 0)).toBe(true);
    forgetSecretKeys();
    expect(key.bytes.every((b) => b === 0)).toBe(true);
    expect(() => key.mac('SHA1', new Uint8Array(8))).toThrow();
    expect(secretKey('JBSWY3DPEHPK3PXP').bytes).toEqual(
      new Uint8Array([72, 101, 108, 108, 111, 33, 222, 173, 190, 239]),
    );
  });
});
