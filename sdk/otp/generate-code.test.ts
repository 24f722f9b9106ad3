import fc from 'fast-check';
import { HOTP, Secret } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { accountArbitrary } from './account-arbitrary.ts';
import { base32Encode } from './base32.ts';
import { OtpError } from './errors.ts';
import { generateCode, timeStep } from './generate-code.ts';
import type { Algorithm, OtpAccount } from './types.ts';

const ascii = (text: string) => new TextEncoder().encode(text);
const SEED20 = '12345678901234567890';

function account(fields: Partial<OtpAccount>): OtpAccount {
  return {
    type: 'totp',
    secret: base32Encode(ascii(SEED20)),
    label: 'vector',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    ...fields,
  };
}

describe('RFC 4226 Appendix D (HOTP, SHA1, 6 digits)', () => {
  const expected = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  it('uses the ASCII seed whose base32 is the well-known test key', () => {
    expect(base32Encode(ascii(SEED20))).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });
  it.each(expected.map((code, counter) => ({ counter, code })))(
    'gives $code at counter $counter',
    ({ counter, code }) => {
      expect(generateCode(account({ type: 'hotp', counter }))).toBe(code);
    },
  );
});

describe('RFC 6238 Appendix B (TOTP, 8 digits, 30 s)', () => {
  const seeds: Record<Algorithm, string> = {
    SHA1: SEED20,
    SHA256: `${SEED20}123456789012`,
    SHA512: `${SEED20.repeat(3)}1234`,
  };
  const table: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  const rows = table.flatMap(([time, sha1, sha256, sha512]) =>
    (
      [
        ['SHA1', sha1],
        ['SHA256', sha256],
        ['SHA512', sha512],
      ] as const
    ).map(([algorithm, code]) => ({ time, algorithm, code })),
  );
  it('has seeds of 20, 32 and 64 bytes', () => {
    expect([seeds.SHA1.length, seeds.SHA256.length, seeds.SHA512.length]).toEqual([20, 32, 64]);
  });
  it.each(rows)('gives $code at T=$time s with $algorithm', ({ time, algorithm, code }) => {
    const a = account({ algorithm, digits: 8, secret: base32Encode(ascii(seeds[algorithm])) });
    expect(generateCode(a, time * 1000)).toBe(code);
  });
});

describe('generateCode', () => {
  it('keeps the same code for the whole period and changes at its edge', () => {
    const a = account({ period: 60 });
    expect(generateCode(a, 60_000)).toBe(generateCode(a, 119_999));
    expect(generateCode(a, 119_999)).not.toBe(generateCode(a, 120_000));
  });
  it('pads codes with leading zeros to the number of digits', () => {
    // RFC 6238: 07081804 at T=1111111109 with SHA1; its last 7 digits are 7081804.
    expect(generateCode(account({ digits: 7 }), 1111111109_000)).toBe('7081804');
  });
  it('refuses a time before 1970 or that is not a number', () => {
    for (const at of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => generateCode(account({}), at)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });
  it('throws an OtpError for an invalid account instead of a crash', () => {
    expect(() => generateCode(account({ type: 'hotp' }))).toThrow(OtpError);
    expect(() => generateCode(account({ digits: 10 }))).toThrow(OtpError);
  });
});

describe('generateCode against otpauth, as an independent implementation', () => {
  it('gives the same code for any account, counter and time', () => {
    const accounts = accountArbitrary({
      text: fc.string({ maxLength: 8 }),
      digits: fc.integer({ min: 6, max: 8 }),
      period: fc.integer({ min: 1, max: 300 }),
    });
    fc.assert(
      fc.property(accounts, fc.integer({ min: 0, max: 8.64e15 }), (a, at) => {
        const counter = a.type === 'hotp' ? (a.counter as number) : timeStep(at, a.period);
        const theirs = HOTP.generate({
          secret: Secret.fromBase32(a.secret),
          algorithm: a.algorithm,
          digits: a.digits,
          counter,
        });
        expect(generateCode(a, at)).toBe(theirs);
      }),
      { numRuns: 500 },
    );
  });
});
