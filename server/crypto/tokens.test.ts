import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newIndexedToken, newToken, randomPool, sha256, tokenId } from './tokens.ts';

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

describe('indexed tokens', () => {
  const random = randomPool(4096);

  it('carry their time as a prefix before a random token', () => {
    const token = newIndexedToken(random, Date.UTC(2026, 11, 5));
    expect(token).toMatch(/^[0-9a-z]{9}\.[\w-]{43}$/);
    expect(Number.parseInt(token.slice(0, 9), 36)).toBe(Date.UTC(2026, 11, 5));
    // Odd clocks still give the fixed-width prefix the ordering relies on.
    expect(newIndexedToken(random, 0).slice(0, 10)).toBe('000000000.');
    expect(newIndexedToken(random, 1.7).slice(0, 10)).toBe('000000001.');
  });

  it('are stored under ids that sort by creation time, whatever their random part', () => {
    // A millisecond apart, a day apart, across a base-36 digit's carry (…z → …10).
    const times = [1_764_900_000_000, 1_764_900_000_001, 1_764_986_400_000, 36 ** 8 - 1, 36 ** 8];
    const ids = times.flatMap((t) => [
      tokenId(newIndexedToken(random, t)),
      tokenId(newIndexedToken(random, t)),
    ]);
    for (let i = 2; i < ids.length; i++) expect(ids[i]! > ids[i - 2]!).toBe(true);
  });

  it('are stored as the SHA-256 of the whole token after the prefix, never the token', () => {
    const token = newIndexedToken(random, 1_764_900_000_000);
    const id = tokenId(token);
    expect(id).toBe(
      `${token.slice(0, 10)}${createHash('sha256').update(token).digest('base64url')}`,
    );
    expect(id).not.toContain(token.slice(10));
    expect(tokenId(token)).toBe(id);
    expect(tokenId(newIndexedToken(random, 1_764_900_000_000))).not.toBe(id);
  });

  it('leave older tokens (and anything else) under their SHA-256 hex, so their sessions live on', () => {
    const old = newToken(random);
    expect(tokenId(old)).toBe(sha256(old));
    expect(tokenId('short')).toBe(sha256('short'));
    expect(tokenId('abcdefgh.x')).toBe(sha256('abcdefgh.x')); // the dot is not at the prefix's end
  });
});
