import { hash, randomFillSync } from 'node:crypto';

/** Fills `n` bytes with randomness; injectable so tests can fix it. */
export type Random = (n: number) => Uint8Array;

/**
 * Bytes from the CSPRNG, served from a pool refilled 4 KiB at a time: a `randomBytes` call per
 * token cost ~10 µs of each login on the benchmark machine, the pool well under 1 µs. Each
 * caller gets its own copy and the pool's served bytes are zeroed. (Node pools `randomUUID` the
 * same way.)
 */
export const cryptoRandom: Random = randomPool(4096);

/** A {@link Random} drawing from a pool of `size` bytes (exported for its test). */
export function randomPool(size: number): Random {
  const pool = Buffer.alloc(size);
  let used = size;
  return (n) => {
    if (n > size) return randomFillSync(new Uint8Array(n));
    if (used + n > size) {
      randomFillSync(pool);
      used = 0;
    }
    const bytes = pool.subarray(used, used + n);
    const copy = new Uint8Array(bytes);
    bytes.fill(0);
    used += n;
    return copy;
  };
}

/** A bearer token (session, challenge, binding): 32 random bytes, base64url. */
export const newToken = (random: Random): string => Buffer.from(random(32)).toString('base64url');

/** SHA-256 hex: how tokens and recovery codes are stored (one-shot: no Hash object per call). */
export const sha256 = (text: string): string => hash('sha256', text, 'hex');
