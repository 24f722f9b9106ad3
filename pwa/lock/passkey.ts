/**
 * Passkey unlock through the WebAuthn PRF extension: the authenticator turns a stored salt into
 * 32 secret bytes only after user verification, and those bytes (through HKDF, `key-wrap.ts`)
 * unwrap the vault key. No server takes part: the challenge is random and checked by no one,
 * because what protects the key is the PRF output, which only the authenticator can make.
 */

/** Why a passkey step did not give PRF bytes. */
export const PasskeyError = {
  /** No WebAuthn here, or the browser says it has no PRF extension. */
  PASSKEY_UNAVAILABLE: 'PASSKEY_UNAVAILABLE',
  /** The passkey was made, but its authenticator cannot do PRF (hmac-secret). */
  PASSKEY_NO_PRF: 'PASSKEY_NO_PRF',
  /** The person cancelled, the time ran out, or the authenticator refused. */
  PASSKEY_CANCELLED: 'PASSKEY_CANCELLED',
} as const;
export type PasskeyError = (typeof PasskeyError)[keyof typeof PasskeyError];

/** A result: the value, or why not. */
export type PasskeyResult<T> = { ok: true; value: T } | { ok: false; code: PasskeyError };

/**
 * Whether this browser may unlock with a passkey: WebAuthn in a secure context on a domain name and, where the
 * browser can tell (`getClientCapabilities`), the PRF extension. Whether the person's
 * authenticator has PRF shows only when a passkey is made ({@link createPrfPasskey}).
 */
export async function passkeyAvailable(): Promise<boolean> {
  if (!window.isSecureContext || typeof PublicKeyCredential === 'undefined') return false;
  // A passkey belongs to a domain (its RP ID): an app served from an IP address cannot have one.
  if (/^[\d.]+$|^\[/.test(location.hostname)) return false;
  const capabilities = await PublicKeyCredential.getClientCapabilities?.().catch(() => null);
  return capabilities?.['extension:prf'] !== false;
}

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** The PRF's first output from an extension result, when there is one. */
function prfFirst(credential: PublicKeyCredential): ArrayBuffer | null {
  const first = credential.getClientExtensionResults().prf?.results?.first;
  if (!first) return null;
  return first instanceof ArrayBuffer
    ? first
    : new Uint8Array(first.buffer, first.byteOffset, first.byteLength).slice().buffer;
}

/**
 * Makes a passkey for this app on this site and evaluates its PRF at `prfSalt` (at creation
 * where the browser does it then, else with a second verification).
 *
 * @returns the credential id and the PRF output
 */
export async function createPrfPasskey(
  prfSalt: Uint8Array<ArrayBuffer>,
): Promise<PasskeyResult<{ credentialId: ArrayBuffer; output: ArrayBuffer }>> {
  if (!(await passkeyAvailable())) return { ok: false, code: PasskeyError.PASSKEY_UNAVAILABLE };
  let credential: PublicKeyCredential;
  try {
    const made = await navigator.credentials.create({
      publicKey: {
        rp: { name: 'MFA Companion' },
        user: {
          id: random(16),
          name: 'MFA Companion app lock',
          displayName: 'MFA Companion app lock',
        },
        challenge: random(32),
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
        extensions: { prf: { eval: { first: prfSalt } } },
      },
    });
    if (!(made instanceof PublicKeyCredential))
      return { ok: false, code: PasskeyError.PASSKEY_CANCELLED };
    credential = made;
  } catch (error) {
    return { ok: false, code: passkeyFailure(error) };
  }
  const prf = credential.getClientExtensionResults().prf;
  if (!prf?.enabled) return { ok: false, code: PasskeyError.PASSKEY_NO_PRF };
  const atCreation = prfFirst(credential);
  if (atCreation)
    return { ok: true, value: { credentialId: credential.rawId, output: atCreation } };
  const later = await evaluatePrf(credential.rawId, prfSalt);
  return later.ok
    ? { ok: true, value: { credentialId: credential.rawId, output: later.value } }
    : later;
}

/** Asks the passkey `credentialId` (with user verification) for its PRF output at `prfSalt`. */
export async function evaluatePrf(
  credentialId: ArrayBuffer,
  prfSalt: Uint8Array<ArrayBuffer>,
): Promise<PasskeyResult<ArrayBuffer>> {
  if (!(await passkeyAvailable())) return { ok: false, code: PasskeyError.PASSKEY_UNAVAILABLE };
  try {
    const got = await navigator.credentials.get({
      publicKey: {
        challenge: random(32),
        allowCredentials: [{ type: 'public-key', id: credentialId }],
        userVerification: 'required',
        extensions: { prf: { eval: { first: prfSalt } } },
      },
    });
    if (!(got instanceof PublicKeyCredential))
      return { ok: false, code: PasskeyError.PASSKEY_CANCELLED };
    const output = prfFirst(got);
    return output ? { ok: true, value: output } : { ok: false, code: PasskeyError.PASSKEY_NO_PRF };
  } catch (error) {
    return { ok: false, code: passkeyFailure(error) };
  }
}

function passkeyFailure(error: unknown): PasskeyError {
  // SecurityError: no valid RP ID here (an IP address, say) — WebAuthn cannot work on this origin.
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'SecurityError' || name === 'NotSupportedError'
    ? PasskeyError.PASSKEY_UNAVAILABLE
    : PasskeyError.PASSKEY_CANCELLED;
}
