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

/** Characters of an indexed token's time prefix: base-36 milliseconds, good until the year 5188. */
const TIME_WIDTH = 9;

/**
 * A bearer token that names a stored row (session, login challenge): a time prefix, a dot, then
 * {@link newToken}'s 32 random bytes. The prefix is carried into {@link tokenId}, so rows made
 * later sort later in the id's index: a new session or challenge lands on the index's last page
 * instead of a random one, which in SQLite's WAL was one more 4 KiB page written (then
 * checkpointed and fsynced) per login. It tells the token's holder only when it was made.
 *
 * @example const token = newIndexedToken(cryptoRandom, Date.now()); // '0mxa4yi38.Xq…' (5 Dec 2026)
 */
export const newIndexedToken = (random: Random, now: number): string =>
  `${Math.max(0, Math.floor(now)).toString(36).padStart(TIME_WIDTH, '0')}.${newToken(random)}`;

/**
 * The id a token's row is stored under: never the token itself. An indexed token keeps its time
 * prefix before the SHA-256 of the whole token (base64url); any other token (tokens issued before
 * indexed tokens existed, or made up by a client) is its SHA-256 hex, as before.
 *
 * @example await store.getSession(tokenId(cookieToken));
 */
export function tokenId(token: string): string {
  if (token.length > TIME_WIDTH && token.charCodeAt(TIME_WIDTH) === 46 /* '.' */) {
    return `${token.slice(0, TIME_WIDTH + 1)}${hash('sha256', token, 'base64url')}`;
  }
  return sha256(token);
}

/** SHA-256 hex: how tokens and recovery codes are stored (one-shot: no Hash object per call). */
export const sha256 = (text: string): string => hash('sha256', text, 'hex');
