import type { PgPool } from './store/postgres-database.ts';

/** Where the verifier keeps its tables. */
export type VerifierDatabase =
  /** A SQLite file path (`':memory:'` for tests), or a `postgres://` / `postgresql://` URL. */
  | string
  /** An existing node-postgres pool of the application's (left open by `close()`). */
  | PgPool;

/** Options of {@link createVerifier}. */
export interface VerifierOptions {
  database: VerifierDatabase;
  /** 32 bytes, base64: encrypts every TOTP secret (AES-256-GCM). */
  encryptionKey: string;
  /** Keys used before, base64: secrets sealed with them still open until `rotateSecrets()`. */
  previousEncryptionKeys?: string[];
  /** Connections of a pool the verifier makes from a URL (default 10). */
  poolSize?: number;
  /** Wrong codes in a row that lock (default 10), and the first lock's length (15 min). */
  maxFailures?: number;
  lockMs?: number;
  /** How long a set-up waits for its first code (default 10 min). */
  enrolmentTtlMs?: number;
  /** Recovery codes issued at a time (default 10). */
  recoveryCodeCount?: number;
  /** Called after each change is committed (never with a secret or a code). */
  onEvent?: (event: VerifierEvent) => void | Promise<void>;
  /** The clock, in epoch milliseconds (tests). */
  now?: () => number;
}

/** What happened, for an audit log; delivered after the commit. */
export interface VerifierEvent {
  type:
    | 'enrolment_started'
    | 'enabled'
    | 'verified'
    | 'recovery_code_used'
    | 'failed'
    | 'replayed'
    | 'locked'
    | 'recovery_codes_regenerated'
    | 'disabled';
  userId: string;
  at: number;
}

/** What `enrol` gives, to show once: the secret, its `otpauth://` URI and a QR code of it. */
export interface Enrolment {
  secret: string;
  uri: string;
  /** An SVG document of the URI's QR code. */
  qrSvg: string;
  /** When the set-up ends unless confirmed (epoch ms). */
  expiresAt: number;
}

/** The answer of `verify`. */
export type VerifyResult =
  | { ok: true; usedRecoveryCode: boolean; recoveryCodesLeft: number }
  | {
      ok: false;
      /** `replayed`: a right code sent again, or a spent recovery code (not counted). */
      reason: 'wrong' | 'replayed' | 'locked';
      /** With `locked`: milliseconds until a code can be accepted again. */
      retryAfter?: number;
    };

/** A user's second factor as `status` and `list` show it. */
export interface FactorStatus {
  userId: string;
  state: 'none' | 'pending' | 'enabled';
  /** When the factor was confirmed (epoch ms), or null. */
  enabledAt: number | null;
  recoveryCodesLeft: number;
  /** While a lock runs: when it ends (epoch ms). */
  lockedUntil: number | null;
}

/** A page of {@link Verifier.list}; `nextCursor` is the `after` of the next page, or null. */
export interface FactorPage {
  items: FactorStatus[];
  nextCursor: string | null;
}

/** The verifier (see `createVerifier`); every method is documented in the package README. */
export interface Verifier {
  enrol(userId: string, account: { issuer: string; account: string }): Promise<Enrolment>;
  confirm(userId: string, code: string): Promise<{ recoveryCodes: string[] }>;
  verify(userId: string, code: string): Promise<VerifyResult>;
  regenerateRecoveryCodes(userId: string): Promise<{ recoveryCodes: string[] }>;
  disable(userId: string): Promise<boolean>;
  status(userId: string): Promise<FactorStatus>;
  list(query?: {
    state?: 'pending' | 'enabled';
    after?: string;
    limit?: number;
  }): Promise<FactorPage>;
  rotateSecrets(): Promise<number>;
  close(): Promise<void>;
}
