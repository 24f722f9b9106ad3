// @ts-check
// How both verifier examples open `mfa-companion/verifier` from the environment:
//   MFA_ENCRYPTION_KEY  32 random bytes, base64 (required: it encrypts every TOTP secret)
//   DATABASE            a SQLite file (default verifier-example.db) or a postgres:// URL
// A setting that cannot work stops the process with one line saying what to do.
import { createVerifier, VerifierError } from 'mfa-companion/verifier';

const NEW_KEY = `node -e "console.log(crypto.randomBytes(32).toString('base64'))"`;

/** The HTTP status of each error the verifier can throw at the examples' routes. */
export const STATUS_OF =
  /** @type {Record<import('mfa-companion/verifier').VerifierErrorCode, 400 | 401 | 409 | 429 | 500 | 503>} */ ({
    INVALID_ARGUMENT: 400,
    INVALID_CODE: 401,
    MFA_LOCKED: 429,
    MFA_ALREADY_ENABLED: 409,
    MFA_NOT_ENABLED: 409,
    ENROLMENT_NOT_STARTED: 409,
    VERIFIER_CLOSED: 503,
    // The operator's to fix (a key not configured, a driver not installed), not the user's.
    SECRET_UNREADABLE: 500,
    DRIVER_MISSING: 500,
  });

/** @param {string} message @returns {never} */
function stop(message) {
  console.error(`verifier example: ${message}`);
  process.exit(1);
}

/**
 * The verifier of this process, and a line naming its database for the start-up message (a
 * PostgreSQL URL's password stays out of it).
 * @returns {Promise<{ verifier: import('mfa-companion/verifier').Verifier, where: string }>}
 */
export async function openVerifier() {
  const encryptionKey = process.env.MFA_ENCRYPTION_KEY;
  if (!encryptionKey) {
    stop(
      `MFA_ENCRYPTION_KEY is not set. It encrypts the TOTP secrets: keep it out of the ` +
        `database, and the same across restarts. Make one with\n  ${NEW_KEY}`,
    );
  }
  const database = process.env.DATABASE || 'verifier-example.db';
  const postgres = /^postgres(ql)?:\/\//.test(database);
  try {
    const verifier = await createVerifier({ database, encryptionKey });
    const where = postgres ? `PostgreSQL ${new URL(database).host}` : `SQLite ${database}`;
    return { verifier, where };
  } catch (error) {
    // A bad key, an unusable DATABASE or a driver not installed (DRIVER_MISSING).
    if (error instanceof VerifierError) stop(error.message);
    throw error;
  }
}
