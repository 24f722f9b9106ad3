import { describe, expect, it } from 'vitest';
import { groupCode } from './group-code.ts';

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
