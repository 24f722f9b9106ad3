import { hash, randomBytes } from 'node:crypto';

/** Fills `n` bytes with randomness; injectable so tests can fix it. */
export type Random = (n: number) => Uint8Array;

export const cryptoRandom: Random = (n) => randomBytes(n);

/** A bearer token (session, challenge, binding): 32 random bytes, base64url. */
export const newToken = (random: Random): string => Buffer.from(random(32)).toString('base64url');

/** SHA-256 hex: how tokens and recovery codes are stored (one-shot: no Hash object per call). */
export const sha256 = (text: string): string => hash('sha256', text, 'hex');
