import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cryptoRandom, newToken, sha256, tokenId } from './tokens.ts';

describe('tokens', () => {
  it('are 32 random bytes in base64url, never repeated', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newToken(cryptoRandom)));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
  });

  it('are stored under their SHA-256, not as they are', () => {
    const token = newToken(cryptoRandom);
    const id = tokenId(token);
    expect(id).toBe(createHash('sha256').update(token).digest('hex'));
    expect(id).not.toContain(token);
    expect(tokenId(token)).toBe(id);
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('use the injected randomness', () => {
    const fixed = () => new Uint8Array(32).fill(1);
    expect(newToken(fixed)).toBe(Buffer.alloc(32, 1).toString('base64url'));
  });
});
