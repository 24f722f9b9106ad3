import { describe, expect, it } from 'vitest';
import {
  formatRecoveryCode,
  generateRecoveryCodes,
  normalizeRecoveryCode,
} from './recovery-codes.ts';

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/;

describe('generateRecoveryCodes', () => {
  it('makes 10 codes of five groups of five Crockford characters by default', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(CROCKFORD);
  });
  it('carries at least 112 bits: 25 symbols from an alphabet of 32', () => {
    const [code = ''] = generateRecoveryCodes(1);
    const symbols = normalizeRecoveryCode(code)?.length ?? 0;
    expect(symbols * Math.log2(32)).toBeGreaterThanOrEqual(112);
  });
  it('uses every symbol of the alphabet and never repeats a code', () => {
    const codes = generateRecoveryCodes(100);
    expect(new Set(codes).size).toBe(100);
    expect(new Set(codes.join('').replace(/-/g, '')).size).toBe(32);
  });
  it('maps random bytes to symbols by their low five bits', () => {
    const fixed = (bytes: Uint8Array) =>
      bytes.forEach((_, i) => {
        bytes[i] = i + 32;
      });
    expect(generateRecoveryCodes(1, fixed)).toEqual(['01234-56789-ABCDE-FGHJK-MNPQR']);
  });
  it.each([0, 101, 2.5])('refuses a count of %s', (count) => {
    expect(() => generateRecoveryCodes(count)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('normalizeRecoveryCode', () => {
  const code = '01234-56789-ABCDE-FGHJK-MNPQR';
  const canonical = '0123456789ABCDEFGHJKMNPQR';
  it.each([
    ['the display form', code],
    ['lower case', code.toLowerCase()],
    ['spaces instead of dashes', code.replace(/-/g, ' ')],
    ['no separators and surrounding space', `  ${canonical}\n`],
    ['O for 0 and I or L for 1', 'Oi234-56789-ABCDE-FGHJK-MNPQR'],
    ['l for 1', 'Ol234 56789 abcde fghjk mnpqr'],
  ])('accepts %s', (_, input) => {
    expect(normalizeRecoveryCode(input)).toBe(canonical);
  });
  it.each([
    ['a TOTP code', '123456'],
    ['one character short', canonical.slice(1)],
    ['one character long', `${canonical}0`],
    ['a U, which Crockford excludes', `U${canonical.slice(1)}`],
    ['punctuation', `${canonical.slice(1)}!`],
    ['not a string', 42],
    ['a huge input', `${'-'.repeat(200)}${canonical}`],
  ])('returns null for %s', (_, input) => {
    expect(normalizeRecoveryCode(input as string)).toBeNull();
  });
});

describe('formatRecoveryCode', () => {
  it('groups a normalized code for display and round-trips', () => {
    const [code = ''] = generateRecoveryCodes(1);
    const normalized = normalizeRecoveryCode(code) ?? '';
    expect(formatRecoveryCode(normalized)).toBe(code);
  });
  it('refuses what is not a recovery code', () => {
    expect(() => formatRecoveryCode('123456')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
