import { createHash, randomBytes } from 'node:crypto';
import type { RandomSource } from '../../sdk/otp/index.ts';

/** Fills `n` bytes with randomness; injectable so tests can fix it. */
export type Random = (n: number) => Uint8Array;

/** Bytes from the operating system's CSPRNG. */
export const cryptoRandom: Random = (n) => randomBytes(n);

/**
 * `random` in the shape sdk/otp and sdk/verifier take (they fill a buffer).
 *
 * @example generateSecret(20, filling(deps.random));
 */
export const filling =
  (random: Random): RandomSource =>
  (bytes) =>
    bytes.set(random(bytes.length));

/** A bearer token (session, challenge, binding): 32 random bytes, base64url. */
export const newToken = (random: Random): string => Buffer.from(random(32)).toString('base64url');

/** SHA-256 hex: how tokens and recovery codes are stored. */
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The id a token's row is stored under: its SHA-256, never the token itself, so a copy of the
 * database holds no usable session.
 *
 * @example await store.getSession(tokenId(cookieToken));
 */
export const tokenId = (token: string): string => sha256(token);
