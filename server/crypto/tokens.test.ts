import { describe, expect, it } from 'vitest';
import { newToken, randomPool } from './tokens.ts';

describe('randomPool', () => {
  it('serves fresh, independent bytes across refills and for sizes past the pool', () => {
    const random = randomPool(64);
    const draws = Array.from({ length: 40 }, () => random(24));
    const seen = new Set(draws.map((d) => Buffer.from(d).toString('hex')));
    expect(seen.size).toBe(40);
    for (const d of draws) expect(d).toHaveLength(24);
    const first = Buffer.from(draws[0]!).toString('hex');
    random(24); // later draws and refills must not change what was handed out
    expect(Buffer.from(draws[0]!).toString('hex')).toBe(first);
    expect(random(100)).toHaveLength(100);
    // Not all zero: the pool was filled before serving.
    expect(draws.every((d) => d.some((b) => b !== 0))).toBe(true);
  });

  it('makes 43-character base64url tokens', () => {
    const token = newToken(randomPool(4096));
    expect(token).toMatch(/^[\w-]{43}$/);
  });
});
