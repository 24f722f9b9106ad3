import { type _HMAC, hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import type { Algorithm } from './types.ts';

// Synchronous HMAC on every platform (Web Crypto's is async), from a library whose hashes
// tree-shake: a bundle holds only the three an authenticator may use.
const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 } as const;

type Keyed = _HMAC<ReturnType<(typeof HASHES)[Algorithm]['create']>>;

/**
 * A decoded secret key and, per algorithm, its HMAC state after the padded key: a verifier checks
 * many codes against one key, and starting each from that state halves the hashing of a short
 * message (RFC 2104's inner and outer key blocks are done once).
 */
export class HmacKey {
  readonly #keyed = new Map<Algorithm, { start: Keyed; work?: Keyed }>();
  #wiped = false;

  constructor(readonly bytes: Uint8Array) {}

  /** HMAC of `message` under this key (RFC 2104) with an algorithm already checked. */
  mac(algorithm: Algorithm, message: Uint8Array): Uint8Array {
    // A wiped key is all zeros: refusing beats answering with codes of the wrong key.
    if (this.#wiped) throw new Error('This secret key was wiped.');
    let keyed = this.#keyed.get(algorithm);
    if (keyed === undefined) {
      keyed = { start: hmac.create(HASHES[algorithm], this.bytes) as Keyed };
      this.#keyed.set(algorithm, keyed);
    }
    // `_cloneInto` (noble's Hash interface) copies the keyed state into the reused instance.
    keyed.work = keyed.start._cloneInto(keyed.work);
    return keyed.work.update(message).digest();
  }

  /** Zeroes the key and every state derived from it; the key cannot be used after. */
  wipe(): void {
    this.#wiped = true;
    this.bytes.fill(0);
    for (const { start, work } of this.#keyed.values()) {
      start.destroy();
      work?.destroy();
    }
    this.#keyed.clear();
  }
}
