import QRCode from 'qrcode';
import {
  formatKeyUri,
  generateSecret,
  type OtpAccount,
  OtpError,
  verifyCode,
} from '../otp/index.ts';
import { hashTypedRecoveryCode, newRecoveryCodes } from './recovery-hash.ts';
import { afterWrongCode, type LockoutLimits, lockTimeLeft, totpVerdict } from './rules.ts';
import { type Keyring, keyringOf, openSecret, sealedKeyId, sealSecret } from './secret-box.ts';
import { migrateVerifier } from './store/migrations.ts';
import { openPostgres } from './store/postgres-database.ts';
import type { SqlDatabase, Tx } from './store/sql-database.ts';
import { openSqlite } from './store/sqlite-database.ts';
import {
  ACCEPTED,
  ACTIVATE,
  COUNTED,
  DELETE_FACTOR,
  DELETE_RECOVERY_CODES,
  FACTOR,
  FACTOR_PAGE,
  FACTORS_AFTER,
  INSERT_RECOVERY_CODE,
  lockedFactor,
  RECOVERY_CODE_USED_AT,
  RECOVERY_CODES_LEFT,
  RESEAL,
  START_ENROLMENT,
  USE_RECOVERY_CODE,
} from './store/statements.ts';
import type {
  Enrolment,
  FactorStatus,
  Verifier,
  VerifierEvent,
  VerifierOptions,
  VerifyResult,
} from './types.ts';
import { VerifierError } from './verifier-error.ts';

/** A factor row as both databases give it (PostgreSQL's BIGINT columns arrive as strings). */
interface FactorRow {
  user_id: string;
  status: 'pending' | 'active';
  secret: string;
  issuer: string;
  account: string;
  last_step: number | string | null;
  created_at: number | string;
  expires_at: number | string | null;
  enabled_at: number | string | null;
  failures: number;
  locks: number;
  locked_until: number | string | null;
}

interface StatusRow {
  user_id: string;
  status: 'pending' | 'active';
  enabled_at: number | string | null;
  expires_at: number | string | null;
  locked_until: number | string | null;
  codes_left: number | string;
}

/** What a confirmation decided inside its transaction (thrown as an error after the commit). */
type ConfirmDecision =
  | { recoveryCodes: string[] }
  | { refused: 'MFA_ALREADY_ENABLED' | 'NOT_STARTED' | 'WRONG' }
  | { refused: 'LOCKED'; retryAfter: number };

const num = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

const MAX_USER_ID = 255;
const MAX_CODE = 100;
const ROTATION_BATCH = 500;

/**
 * Opens a verifier: replay-safe TOTP, recovery codes and lockout over your own user ids, stored
 * in tables of its own (`mfa_verifier_*`, created by its migrations) in a SQLite file or a
 * PostgreSQL database. See the README's "mfa-companion/verifier" for every guarantee.
 *
 * @example
 * const verifier = await createVerifier({
 *   database: process.env.DATABASE_URL ?? 'mfa.db',
 *   encryptionKey: process.env.MFA_KEY!, // 32 bytes, base64
 * });
 * const { uri, qrSvg } = await verifier.enrol('user-7', { issuer: 'Acme', account: 'ada@acme.test' });
 */
export async function createVerifier(options: VerifierOptions): Promise<Verifier> {
  const ring = keyringFrom(options);
  const now = options.now ?? Date.now;
  const limits: LockoutLimits = {
    threshold: positive(options.maxFailures ?? 10, 'maxFailures'),
    lockMs: positive(options.lockMs ?? 15 * 60_000, 'lockMs'),
  };
  const enrolmentTtlMs = positive(options.enrolmentTtlMs ?? 10 * 60_000, 'enrolmentTtlMs');
  const recoveryCodeCount = positive(options.recoveryCodeCount ?? 10, 'recoveryCodeCount');
  const db = await openDatabase(options);
  try {
    await migrateVerifier(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  let closed = false;

  /** Runs a transaction, then hands its events to `onEvent` once it is committed. */
  const commit = async <T>(
    fn: (tx: Tx, events: VerifierEvent['type'][]) => Promise<T>,
    userId: string,
  ): Promise<T> => {
    if (closed) throw new VerifierError('VERIFIER_CLOSED', 'The verifier is closed.');
    const events: VerifierEvent['type'][] = [];
    const result = await db.transaction((tx) => {
      events.length = 0; // a transaction run again starts with none
      return fn(tx, events);
    });
    const at = now();
    for (const type of events) await deliver(options, { type, userId, at });
    return result;
  };

  /** Reads one snapshot, without the write lock. */
  const read = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    if (closed)
      return Promise.reject(new VerifierError('VERIFIER_CLOSED', 'The verifier is closed.'));
    return db.transaction(fn, { readOnly: true });
  };

  const accountOf = (row: FactorRow): OtpAccount => ({
    type: 'totp',
    secret: openRow(ring, row),
    issuer: row.issuer,
    label: row.account,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });

  const readRow = async (tx: Tx, userId: string) =>
    (await tx.rows<FactorRow>(lockedFactor(db.dialect), [userId]))[0];

  const issueRecoveryCodes = async (tx: Tx, userId: string) => {
    const { codes, hashes } = newRecoveryCodes(userId, recoveryCodeCount);
    await tx.run(DELETE_RECOVERY_CODES, [userId]);
    for (const hash of hashes) await tx.run(INSERT_RECOVERY_CODE, [userId, hash]);
    return codes;
  };

  const codesLeft = async (tx: Tx, userId: string) =>
    Number((await tx.rows<{ n: number | string }>(RECOVERY_CODES_LEFT, [userId]))[0]?.n ?? 0);

  /** Counts a wrong code; the answer says whether this one locked. */
  const countWrong = async (tx: Tx, row: FactorRow, at: number) => {
    const next = afterWrongCode(
      { failures: row.failures, locks: row.locks, lockedUntil: num(row.locked_until) },
      at,
      limits,
    );
    await tx.run(COUNTED, [row.user_id, next.failures, next.locks, next.lockedUntil]);
    return next.lockedNow && next.lockedUntil !== null ? next.lockedUntil - at : null;
  };

  return {
    async enrol(userId, { issuer, account }) {
      checkUserId(userId);
      checkName(issuer, 'issuer');
      checkName(account, 'account');
      const secret = generateSecret(20);
      let uri: string;
      try {
        uri = formatKeyUri({
          type: 'totp',
          secret,
          issuer,
          label: account,
          algorithm: 'SHA1',
          digits: 6,
          period: 30,
        });
      } catch (error) {
        if (error instanceof OtpError) throw new VerifierError('INVALID_ARGUMENT', error.message);
        throw error;
      }
      const at = now();
      const expiresAt = at + enrolmentTtlMs;
      const sealed = sealSecret(ring, secret, context(userId));
      await commit(async (tx, events) => {
        const started = await tx.run(START_ENROLMENT, [
          userId,
          sealed,
          issuer,
          account,
          at,
          expiresAt,
        ]);
        if (started !== 1) {
          throw new VerifierError(
            'MFA_ALREADY_ENABLED',
            'MFA is already enabled; disable it first.',
          );
        }
        events.push('enrolment_started');
      }, userId);
      const qrSvg = await QRCode.toString(uri, {
        type: 'svg',
        margin: 1,
        errorCorrectionLevel: 'M',
      });
      return { secret, uri, qrSvg, expiresAt } satisfies Enrolment;
    },

    async confirm(userId, code) {
      checkUserId(userId);
      const typed = checkCode(code);
      const decided = await commit(async (tx, events): Promise<ConfirmDecision> => {
        const at = now();
        const row = await readRow(tx, userId);
        if (row?.status === 'active') return { refused: 'MFA_ALREADY_ENABLED' };
        if (!row || (num(row.expires_at) ?? 0) <= at) return { refused: 'NOT_STARTED' };
        const left = lockTimeLeft(num(row.locked_until), at);
        if (left !== null) return { refused: 'LOCKED', retryAfter: left };
        const checked = verifyCode(accountOf(row), typed.replace(/\s+/g, ''), { at, window: 1 });
        if (!checked.ok) {
          events.push('failed');
          const lockedFor = await countWrong(tx, row, at);
          if (lockedFor === null) return { refused: 'WRONG' };
          events.push('locked');
          return { refused: 'LOCKED', retryAfter: lockedFor };
        }
        await tx.run(ACTIVATE, [userId, checked.step, at]);
        const recoveryCodes = await issueRecoveryCodes(tx, userId);
        events.push('enabled');
        return { recoveryCodes };
      }, userId);
      if ('recoveryCodes' in decided) return { recoveryCodes: decided.recoveryCodes };
      switch (decided.refused) {
        case 'MFA_ALREADY_ENABLED':
          throw new VerifierError('MFA_ALREADY_ENABLED', 'MFA is already enabled.');
        case 'NOT_STARTED':
          throw new VerifierError(
            'ENROLMENT_NOT_STARTED',
            'Start the set-up again: it was not started or has expired.',
          );
        case 'LOCKED':
          throw lockedError(decided.retryAfter);
        case 'WRONG':
          throw new VerifierError('INVALID_CODE', 'The code is not valid.');
      }
    },

    async verify(userId, code) {
      checkUserId(userId);
      const typed = checkCode(code);
      const result = await commit(async (tx, events): Promise<VerifyResult | null> => {
        const at = now();
        const row = await readRow(tx, userId);
        if (row?.status !== 'active') return null;
        const left = lockTimeLeft(num(row.locked_until), at);
        if (left !== null) return { ok: false, reason: 'locked', retryAfter: left };
        const clean = typed.replace(/\s+/g, '');
        const totp = /^\d{6}$/.test(clean);
        let verdict: 'valid' | 'replayed' | 'wrong';
        let step = num(row.last_step);
        if (totp) {
          const checked = totpVerdict(accountOf(row), clean, at, step);
          verdict = checked.result;
          if (checked.result === 'valid') step = checked.step;
        } else {
          verdict = await recoveryVerdict(tx, userId, typed, at);
        }
        if (verdict === 'valid') {
          // The row is locked (or SQLite's whole database is), so this write is the replay
          // guard: the next attempt of this user reads the step this one stored.
          await tx.run(ACCEPTED, [userId, step]);
          events.push(totp ? 'verified' : 'recovery_code_used');
          return {
            ok: true,
            usedRecoveryCode: !totp,
            recoveryCodesLeft: await codesLeft(tx, userId),
          };
        }
        if (verdict === 'replayed') {
          events.push('replayed');
          return { ok: false, reason: 'replayed' };
        }
        events.push('failed');
        const lockedFor = await countWrong(tx, row, at);
        if (lockedFor === null) return { ok: false, reason: 'wrong' };
        events.push('locked');
        return { ok: false, reason: 'locked', retryAfter: lockedFor };
      }, userId);
      if (result === null) {
        throw new VerifierError('MFA_NOT_ENABLED', 'MFA is not enabled for this user.');
      }
      return result;
    },

    async regenerateRecoveryCodes(userId) {
      checkUserId(userId);
      const codes = await commit(async (tx, events) => {
        const row = await readRow(tx, userId);
        if (row?.status !== 'active') return null;
        events.push('recovery_codes_regenerated');
        return issueRecoveryCodes(tx, userId);
      }, userId);
      if (!codes) throw new VerifierError('MFA_NOT_ENABLED', 'MFA is not enabled for this user.');
      return { recoveryCodes: codes };
    },

    async disable(userId) {
      checkUserId(userId);
      return commit(async (tx, events) => {
        const row = await readRow(tx, userId);
        if (!row) return false;
        await tx.run(DELETE_FACTOR, [userId]);
        await tx.run(DELETE_RECOVERY_CODES, [userId]);
        if (row.status !== 'active') return false;
        events.push('disabled');
        return true;
      }, userId);
    },

    async status(userId) {
      checkUserId(userId);
      return read(async (tx) => {
        const row = (await tx.rows<FactorRow>(FACTOR, [userId]))[0];
        const at = now();
        const live = row && (row.status === 'active' || (num(row.expires_at) ?? 0) > at);
        if (!row || !live) {
          return {
            userId,
            state: 'none',
            enabledAt: null,
            recoveryCodesLeft: 0,
            lockedUntil: null,
          };
        }
        return statusOf(
          {
            ...row,
            codes_left: row.status === 'active' ? await codesLeft(tx, userId) : 0,
          },
          at,
        );
      });
    },

    async list(query = {}) {
      const limit = query.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new VerifierError('INVALID_ARGUMENT', 'limit must be an integer from 1 to 500.');
      }
      const state =
        query.state === undefined ? null : query.state === 'enabled' ? 'active' : 'pending';
      return read(async (tx) => {
        const at = now();
        const rows = await tx.rows<StatusRow>(FACTOR_PAGE, [
          query.after ?? '',
          limit + 1,
          state,
          at,
        ]);
        const items = rows.slice(0, limit).map((row) => statusOf(row, at));
        return {
          items,
          nextCursor: rows.length > limit ? (items.at(-1)?.userId ?? null) : null,
        };
      });
    },

    async rotateSecrets() {
      let resealed = 0;
      let after = '';
      for (;;) {
        const page = await read((tx) =>
          tx.rows<{ user_id: string; secret: string }>(FACTORS_AFTER, [after, ROTATION_BATCH]),
        );
        for (const row of page) {
          if (sealedKeyId(row.secret) === ring.current.id) continue;
          const box = sealSecret(ring, openRow(ring, row), context(row.user_id));
          // Only if unchanged meanwhile: a new set-up already sealed its secret with this key.
          resealed += await commit(
            (tx) => tx.run(RESEAL, [row.user_id, box, row.secret]),
            row.user_id,
          );
        }
        const last = page.at(-1);
        if (!last || page.length < ROTATION_BATCH) return resealed;
        after = last.user_id;
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}

/** A recovery code's single use, told apart from a spent one (not a guess) and a wrong one. */
async function recoveryVerdict(
  tx: Tx,
  userId: string,
  typed: string,
  at: number,
): Promise<'valid' | 'replayed' | 'wrong'> {
  const hash = hashTypedRecoveryCode(userId, typed);
  if (!hash) return 'wrong';
  if ((await tx.run(USE_RECOVERY_CODE, [userId, hash, at])) === 1) return 'valid';
  const [row] = await tx.rows<{ used_at: number | string | null }>(RECOVERY_CODE_USED_AT, [
    userId,
    hash,
  ]);
  return row && row.used_at !== null ? 'replayed' : 'wrong';
}

function statusOf(row: StatusRow, at: number): FactorStatus {
  const lockedUntil = num(row.locked_until);
  return {
    userId: row.user_id,
    state: row.status === 'active' ? 'enabled' : 'pending',
    enabledAt: num(row.enabled_at),
    recoveryCodesLeft: Number(row.codes_left),
    lockedUntil: lockTimeLeft(lockedUntil, at) === null ? null : lockedUntil,
  };
}

/**
 * A row's secret, decrypted in memory only. A secret that does not open (a key not configured, a
 * row altered or copied from another user) is an operator's problem, named without the secret.
 */
function openRow(ring: Keyring, row: { user_id: string; secret: string }): string {
  try {
    return openSecret(ring, row.secret, context(row.user_id));
  } catch {
    throw new VerifierError(
      'SECRET_UNREADABLE',
      "This user's secret cannot be decrypted: its key is not configured, or the row was altered.",
    );
  }
}

/** The authenticated context of a user's sealed secret: a row copied to another user fails. */
const context = (userId: string) => `mfa-verifier:${userId}`;

const lockedError = (retryAfter: number) =>
  new VerifierError('MFA_LOCKED', 'Too many wrong codes: try again later.', retryAfter);

async function deliver(options: VerifierOptions, event: VerifierEvent): Promise<void> {
  if (!options.onEvent) return;
  try {
    await options.onEvent(event);
  } catch (error) {
    // The change is committed: a failing hook must not turn it into an error for the caller.
    process.emitWarning(`mfa-companion verifier: onEvent threw: ${(error as Error).message}`);
  }
}

function openDatabase(options: VerifierOptions): Promise<SqlDatabase> {
  const { database } = options;
  if (typeof database === 'string') {
    if (/^postgres(ql)?:\/\//.test(database)) {
      return openPostgres({ url: database, poolSize: options.poolSize });
    }
    if (database === '') throw new VerifierError('INVALID_ARGUMENT', 'database is empty.');
    return openSqlite(database);
  }
  if (database && typeof database.connect === 'function') return openPostgres({ pool: database });
  throw new VerifierError(
    'INVALID_ARGUMENT',
    'database must be a SQLite file path, a postgres:// URL or a node-postgres pool.',
  );
}

function keyringFrom(options: VerifierOptions): Keyring {
  const keys = [options.encryptionKey, ...(options.previousEncryptionKeys ?? [])].map((text) => {
    const key = typeof text === 'string' ? Buffer.from(text, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) {
      throw new VerifierError('INVALID_ARGUMENT', 'An encryption key must be 32 bytes, base64.');
    }
    return key;
  });
  return keyringOf(keys);
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new VerifierError('INVALID_ARGUMENT', `${name} must be a positive integer.`);
  }
  return value;
}

function checkUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID) {
    throw new VerifierError('INVALID_ARGUMENT', 'A user id is a string of 1 to 255 characters.');
  }
}

/** An issuer or account name as authenticator apps show it: 1 to 255 characters, no controls. */
function checkName(text: unknown, name: string): asserts text is string {
  if (typeof text !== 'string' || text.trim() === '' || text.length > 255 || /\p{Cc}/u.test(text)) {
    throw new VerifierError('INVALID_ARGUMENT', `${name} must be 1 to 255 printable characters.`);
  }
}

function checkCode(code: unknown): string {
  if (typeof code !== 'string' || code.length > MAX_CODE) {
    throw new VerifierError('INVALID_ARGUMENT', 'A code is a string of at most 100 characters.');
  }
  return code;
}
