import { describe, expect, it } from 'vitest';
import { groupCode, spokenCode } from './group-code.ts';

describe('groupCode', () => {
  it.each([
    ['123456', '123 456'],
    ['1234567', '1234 567'],
    ['12345678', '1234 5678'],
    ['12345', '12345'],
  ])('groups %s as %s', (code, grouped) => {
    expect(groupCode(code)).toBe(grouped);
  });
});

describe('spokenCode', () => {
  it('separates every digit so it is read digit by digit', () => {
    expect(spokenCode('007123')).toBe('0 0 7 1 2 3');
  });
});
