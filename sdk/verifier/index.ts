/**
 * `mfa-companion/verifier`: replay-safe TOTP, recovery codes and lockout for your own users,
 * embedded in your server, on SQLite or PostgreSQL.
 */
export { createVerifier } from './create-verifier.ts';
export type { PgPool, PgPoolClient } from './store/postgres-database.ts';
export type {
  Enrolment,
  FactorPage,
  FactorStatus,
  Verifier,
  VerifierDatabase,
  VerifierEvent,
  VerifierOptions,
  VerifyResult,
} from './types.ts';
export { VerifierError, type VerifierErrorCode } from './verifier-error.ts';
