/**
 * AES-GCM sealing of vault records. A fresh random 96-bit IV per write; the record id is bound as
 * additional authenticated data, so a sealed blob moved onto another record fails to open.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function additionalData(id: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`mfa-companion/account/v1/${id}`);
}

/** Sealed form of one value. */
export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  sealed: ArrayBuffer;
}

/**
 * Encrypts `value` (as JSON) for the record `id`.
 *
 * @example const { iv, sealed } = await sealJson(key, id, { account });
 */
export async function sealJson(key: CryptoKey, id: string, value: unknown): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: additionalData(id) },
    key,
    encoder.encode(JSON.stringify(value)),
  );
  return { iv, sealed };
}

/**
 * Decrypts what {@link sealJson} made for `id`. Returns null when the blob does not open
 * (wrong key, tampered bytes, moved between records) or is not JSON: a corrupt record is a value
 * to report, not an exception.
 *
 * @example const value = await openJson(key, record.id, record.iv, record.sealed);
 */
export async function openJson(
  key: CryptoKey,
  id: string,
  iv: Uint8Array,
  sealed: ArrayBuffer,
): Promise<unknown> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: additionalData(id) },
      key,
      sealed,
    );
    return JSON.parse(decoder.decode(plain)) as unknown;
  } catch {
    return null;
  }
}
