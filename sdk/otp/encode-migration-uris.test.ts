import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountArbitrary } from './account-arbitrary.ts';
import { decodeMigrationPayload } from './decode-migration-uri.ts';
import { encodeMigrationUris } from './encode-migration-uris.ts';
import type { OtpAccount } from './types.ts';

const alice: OtpAccount = {
  type: 'totp',
  secret: 'JBSWY3DPEHPK3PXP',
  issuer: 'ACME',
  label: 'alice@example.com',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
};
const dataBytes = (uri: string) => [
  ...Buffer.from(decodeURIComponent(uri.split('data=')[1] ?? ''), 'base64'),
];

describe('encodeMigrationUris', () => {
  it('writes the exact bytes of the Google Authenticator format', () => {
    const [uri] = encodeMigrationUris([alice], { batchId: 5 });
    const name = [...Buffer.from('ACME:alice@example.com')];
    const entry = [
      0x0a,
      10,
      0x48,
      0x65,
      0x6c,
      0x6c,
      0x6f,
      0x21,
      0xde,
      0xad,
      0xbe,
      0xef,
      0x12,
      name.length,
      ...name,
      0x1a,
      4,
      ...Buffer.from('ACME'),
      0x20,
      1,
      0x28,
      1,
      0x30,
      2,
    ];
    expect(uri?.startsWith('otpauth-migration://offline?data=')).toBe(true);
    expect(dataBytes(uri ?? '')).toEqual([
      0x0a,
      entry.length,
      ...entry,
      0x10,
      1,
      0x18,
      1,
      0x20,
      0,
      0x28,
      5,
    ]);
  });
  it('splits 23 accounts into 3 codes of at most 10 with one batch id', () => {
    const accounts = Array.from({ length: 23 }, (_, i) => ({ ...alice, label: `user${i}` }));
    const uris = encodeMigrationUris(accounts, { batchId: -123456 });
    const parts = uris.map(decodeMigrationPayload);
    expect(parts.map((p) => p.accounts.length)).toEqual([10, 10, 3]);
    expect(parts.map((p) => p.batch)).toEqual(
      [0, 1, 2].map((index) => ({ index, size: 3, id: -123456 })),
    );
    expect(parts.flatMap((p) => p.accounts)).toEqual(accounts);
  });
  it('gives every export a random batch id by default', () => {
    const ids = new Set(
      Array.from(
        { length: 20 },
        () => decodeMigrationPayload(encodeMigrationUris([alice])[0] ?? '').batch.id,
      ),
    );
    expect(ids.size).toBeGreaterThan(15);
  });
  it('returns no codes for no accounts', () => {
    expect(encodeMigrationUris([])).toEqual([]);
  });
  it.each([
    ['a 60-second period', { period: 60 }],
    ['7 digits', { digits: 7 }],
  ])('refuses an account with %s (UNEXPORTABLE_ACCOUNT)', (_, fields) => {
    expect(() => encodeMigrationUris([alice, { ...alice, ...fields }])).toThrow(
      expect.objectContaining({
        code: 'UNEXPORTABLE_ACCOUNT',
        message: expect.stringContaining('Account 2'),
      }),
    );
  });
  it('round-trips 1–100 accounts through decodeMigrationPayload', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => s === s.trim());
    const account = accountArbitrary({
      text,
      digits: fc.constantFrom(6, 8),
      period: fc.constant(30),
    });
    fc.assert(
      fc.property(
        fc.array(account, { minLength: 1, maxLength: 100 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (accounts, batchId) => {
          const parts = encodeMigrationUris(accounts, { batchId }).map(decodeMigrationPayload);
          expect(parts.flatMap((p) => p.accounts)).toStrictEqual(accounts);
          expect(
            parts.every(
              (p, i) =>
                p.batch.index === i && p.batch.size === parts.length && p.batch.id === batchId,
            ),
          ).toBe(true);
          expect(parts.every((p) => p.skipped.length === 0 && p.accounts.length <= 10)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
