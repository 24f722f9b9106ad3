import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountArbitrary } from './account-arbitrary.ts';
import { formatKeyUri } from './format-key-uri.ts';
import { parseKeyUri } from './parse-key-uri.ts';
import type { OtpAccount } from './types.ts';

const base: OtpAccount = {
  type: 'totp',
  secret: 'JBSWY3DPEHPK3PXP',
  issuer: 'ACME',
  label: 'alice',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
};

/** Labels are legal when well-formed and without leading or trailing white space. */
const text = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.constantFrom(':', '&', '%', '#', '?', '=', '+', '/', ' ', '%3A', '🔐', '👩‍👩‍👧'),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''))
  .filter((s) => s === s.trim());

const accounts = accountArbitrary({
  text,
  digits: fc.integer({ min: 6, max: 8 }),
  period: fc.integer({ min: 1, max: 300 }),
});

describe('formatKeyUri', () => {
  it('writes the issuer as label prefix and parameter, and every field explicitly', () => {
    expect(formatKeyUri(base)).toBe(
      'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA1&digits=6&period=30',
    );
  });
  it('percent-encodes labels and issuers', () => {
    const uri = formatKeyUri({ ...base, issuer: 'A&B: Co', label: 'x#y%z@🔐' });
    expect(uri.startsWith('otpauth://totp/A%26B%3A%20Co:x%23y%25z%40%F0%9F%94%90?')).toBe(true);
  });
  it('writes an HOTP counter', () => {
    expect(formatKeyUri({ ...base, type: 'hotp', counter: 7 })).toMatch(/&counter=7$/);
  });
  it('marks a colon label without issuer with an empty issuer parameter', () => {
    const uri = formatKeyUri({ ...base, issuer: undefined, label: 'a:b' });
    expect(uri).toContain('&issuer=&');
    expect(parseKeyUri(uri).label).toBe('a:b');
  });
  it('refuses a label with a lone surrogate', () => {
    expect(() => formatKeyUri({ ...base, label: 'x\uD800' })).toThrow(
      expect.objectContaining({ code: 'INVALID_LABEL' }),
    );
  });
  it('round-trips every valid account through parseKeyUri', () => {
    fc.assert(
      fc.property(accounts, (account) => {
        expect(parseKeyUri(formatKeyUri(account))).toStrictEqual(account);
      }),
      { numRuns: 1000 },
    );
  });
});
