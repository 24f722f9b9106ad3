// @ts-check
// How both verifier examples open `mfa-companion/verifier` from the environment:
//   MFA_ENCRYPTION_KEY  32 random bytes, base64 (required: it encrypts every TOTP secret)
//   DATABASE            a SQLite file (default verifier-example.db) or a postgres:// URL
// A setting that cannot work stops the process with one line saying what to do.
import { createVerifier, VerifierError } from 'mfa-companion/verifier';

const NEW_KEY = `node -e "console.log(crypto.randomBytes(32).toString('base64'))"`;

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
