import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** The AES-256-GCM keys: one to encrypt with, any number (old ones) to decrypt with, by id. */
export interface Keyring {
  current: { id: string; key: Buffer };
  byId: Map<string, Buffer>;
}

/** A key's id: a short fingerprint, so rotation needs no extra configuration. */
export const keyId = (key: Buffer): string =>
  `k${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

/**
 * Builds a keyring from 32-byte keys; the first one encrypts, every one decrypts.
 *
 * @example const ring = keyringOf([newKey, oldKey]);
 */
export function keyringOf(keys: Buffer[]): Keyring {
  const [first] = keys;
  if (!first) throw new Error('keyringOf needs at least one key');
  for (const key of keys) {
    if (key.length !== 32) throw new Error('An encryption key must be 32 bytes');
  }
  return {
    current: { id: keyId(first), key: first },
    byId: new Map(keys.map((k) => [keyId(k), k])),
  };
}

/**
 * Encrypts a TOTP secret with AES-256-GCM under the keyring's current key. The result,
 * `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts), names its key so keys can rotate.
 * `context` (e.g. `factor:42`) is authenticated but not stored: a ciphertext copied to another
 * user's row does not decrypt.
 *
 * @example const box = sealSecret(ring, 'JBSWY3DPEHPK3PXP', `factor:${userId}`);
 */
export function sealSecret(ring: Keyring, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'));
  return ['v1', ring.current.id, ...parts].join('.');
}

/** The id of the key a sealed secret names (to find the ones a rotation must re-seal). */
export const sealedKeyId = (box: string): string | undefined => box.split('.')[1];

/**
 * Decrypts what {@link sealSecret} made, with whichever keyring key it names.
 *
 * @throws Error when the key is unknown or the ciphertext, tag or context do not match
 * @example const secret = openSecret(ring, row.secret, `factor:${userId}`);
 */
export function openSecret(ring: Keyring, box: string, context: string): string {
  const [version, id, iv, body, tag] = box.split('.');
  const key = id === undefined ? undefined : ring.byId.get(id);
  if (version !== 'v1' || !key || !iv || body === undefined || !tag) {
    throw new Error('Cannot decrypt the secret: unknown format or key id');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(body, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}
