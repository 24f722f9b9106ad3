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
import type { Decision, FactorRow, Flow, Snapshot, Write } from './store/flow.ts';
import { migrateVerifier } from './store/migrations.ts';
import { openPostgres } from './store/postgres-database.ts';
import type { SqlDatabase } from './store/sql-database.ts';
import { openSqlite } from './store/sqlite-database.ts';
import {
  ACCEPTED,
  ACTIVATE,
  COUNTED,
  DELETE_FACTOR,
  DELETE_RECOVERY_CODES,
  FACTOR_PAGE,
  FACTOR_SNAPSHOT,
  FACTORS_AFTER,
  INSERT_RECOVERY_CODE,
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

/** A row of a listing (`FACTOR_PAGE`) or of `status` (`FACTOR_SNAPSHOT`). */
type StatusRow = Pick<
  FactorRow,
  'user_id' | 'status' | 'enabled_at' | 'expires_at' | 'locked_until' | 'codes_left'
>;

/** What a confirmation decided (thrown as an error after the commit when refused). */
type ConfirmDecision =
  | { recoveryCodes: string[] }
  | { refused: 'MFA_ALREADY_ENABLED' | 'NOT_STARTED' | 'WRONG' }
  | { refused: 'LOCKED'; retryAfter: number };

const num = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

const MAX_USER_ID = 255;
const MAX_CODE = 100;
const ROTATION_BATCH = 500;

/** A decision that writes nothing and tells nobody. */
const answer = <T>(result: T, events: VerifierEvent['type'][] = []): Decision<T> => ({
  result,
  writes: [],
  events,
});

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
  const open = () => {
    if (closed) throw new VerifierError('VERIFIER_CLOSED', 'The verifier is closed.');
  };

  /** Runs a flow in its transaction, then hands its events to `onEvent` once committed. */
  const run = async <T>(
    userId: string,
    decide: (snapshot: Snapshot) => Decision<T>,
    recoveryHash: string | null = null,
  ): Promise<T> => {
    open();
    const flow: Flow<T> = { userId, recoveryHash, decide };
    const { result, events } = await db.run(flow);
    const at = now();
    for (const type of events) await deliver(options, { type, userId, at });
    return result;
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

  /** The writes of a new set of recovery codes, replacing the old; the codes to show once. */
  const recoveryCodeWrites = (userId: string): { codes: string[]; writes: Write[] } => {
    const { codes, hashes } = newRecoveryCodes(userId, recoveryCodeCount);
    return {
      codes,
      writes: [
        { text: DELETE_RECOVERY_CODES, values: [userId] },
        ...hashes.map((hash) => ({ text: INSERT_RECOVERY_CODE, values: [userId, hash] })),
      ],
    };
  };

  /** A wrong code counted on the row: the write, and the lock's length when this one locked. */
  const countWrong = (row: FactorRow, at: number) => {
    const next = afterWrongCode(
      { failures: row.failures, locks: row.locks, lockedUntil: num(row.locked_until) },
      at,
      limits,
    );
    return {
      write: {
        text: COUNTED,
        values: [row.user_id, next.failures, next.locks, next.lockedUntil],
      },
      lockedFor: next.lockedNow && next.lockedUntil !== null ? next.lockedUntil - at : null,
    };
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
      const sealed = sealSecret(ring, secret, context(userId));
      const expiresAt = await run(userId, ({ factor }) => {
        if (factor?.status === 'active') return answer(null);
        const at = now();
        const ends = at + enrolmentTtlMs;
        return {
          result: ends,
          writes: [{ text: START_ENROLMENT, values: [userId, sealed, issuer, account, at, ends] }],
          events: ['enrolment_started'],
        };
      });
      if (expiresAt === null) {
        throw new VerifierError('MFA_ALREADY_ENABLED', 'MFA is already enabled; disable it first.');
      }
      const qrSvg = await QRCode.toString(uri, {
        type: 'svg',
        margin: 1,
        errorCorrectionLevel: 'M',
      });
      return { secret, uri, qrSvg, expiresAt } satisfies Enrolment;
    },

    async confirm(userId, code) {
      checkUserId(userId);
      const typed = checkCode(code).replace(/\s+/g, '');
      const decided = await run(userId, ({ factor }): Decision<ConfirmDecision> => {
        const at = now();
        if (factor?.status === 'active') return answer({ refused: 'MFA_ALREADY_ENABLED' });
        if (!factor || (num(factor.expires_at) ?? 0) <= at)
          return answer({ refused: 'NOT_STARTED' });
        const left = lockTimeLeft(num(factor.locked_until), at);
        if (left !== null) return answer({ refused: 'LOCKED', retryAfter: left });
        const checked = verifyCode(accountOf(factor), typed, { at, window: 1 });
        if (!checked.ok) {
          const { write, lockedFor } = countWrong(factor, at);
          return lockedFor === null
            ? { result: { refused: 'WRONG' }, writes: [write], events: ['failed'] }
            : {
                result: { refused: 'LOCKED', retryAfter: lockedFor },
                writes: [write],
                events: ['failed', 'locked'],
              };
        }
        const { codes, writes } = recoveryCodeWrites(userId);
        return {
          result: { recoveryCodes: codes },
          writes: [{ text: ACTIVATE, values: [userId, checked.step, at] }, ...writes],
          events: ['enabled'],
        };
      });
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
      const clean = typed.replace(/\s+/g, '');
      const totp = /^\d{6}$/.test(clean);
      const hash = totp ? null : hashTypedRecoveryCode(userId, typed);
      const result = await run(
        userId,
        ({ factor, recoveryUsedAt }): Decision<VerifyResult | null> => {
          const at = now();
          if (factor?.status !== 'active') return answer(null);
          const left = lockTimeLeft(num(factor.locked_until), at);
          if (left !== null) return answer({ ok: false, reason: 'locked', retryAfter: left });
          const codesLeft = Number(factor.codes_left);
          if (totp) {
            const checked = totpVerdict(accountOf(factor), clean, at, num(factor.last_step));
            if (checked.result === 'valid') {
              // The row is locked (SQLite: the whole database), so this write is the replay
              // guard: the user's next attempt reads the step this one stored.
              return {
                result: { ok: true, usedRecoveryCode: false, recoveryCodesLeft: codesLeft },
                writes: [{ text: ACCEPTED, values: [userId, checked.step] }],
                events: ['verified'],
              };
            }
            if (checked.result === 'replayed') {
              return answer({ ok: false, reason: 'replayed' }, ['replayed']);
            }
          } else if (hash !== null && recoveryUsedAt === null) {
            return {
              // The count was read before this code's use.
              result: { ok: true, usedRecoveryCode: true, recoveryCodesLeft: codesLeft - 1 },
              writes: [
                { text: USE_RECOVERY_CODE, values: [userId, hash, at] },
                { text: ACCEPTED, values: [userId, num(factor.last_step)] },
              ],
              events: ['recovery_code_used'],
            };
          } else if (recoveryUsedAt !== undefined) {
            // A spent code: not a guess, so not counted.
            return answer({ ok: false, reason: 'replayed' }, ['replayed']);
          }
          const { write, lockedFor } = countWrong(factor, at);
          return lockedFor === null
            ? { result: { ok: false, reason: 'wrong' }, writes: [write], events: ['failed'] }
            : {
                result: { ok: false, reason: 'locked', retryAfter: lockedFor },
                writes: [write],
                events: ['failed', 'locked'],
              };
        },
        hash,
      );
      if (result === null) {
        throw new VerifierError('MFA_NOT_ENABLED', 'MFA is not enabled for this user.');
      }
      return result;
    },

    async regenerateRecoveryCodes(userId) {
      checkUserId(userId);
      const codes = await run(userId, ({ factor }): Decision<string[] | null> => {
        if (factor?.status !== 'active') return answer(null);
        const { codes, writes } = recoveryCodeWrites(userId);
        return { result: codes, writes, events: ['recovery_codes_regenerated'] };
      });
      if (!codes) throw new VerifierError('MFA_NOT_ENABLED', 'MFA is not enabled for this user.');
      return { recoveryCodes: codes };
    },

    async disable(userId) {
      checkUserId(userId);
      return run(userId, ({ factor }): Decision<boolean> => {
        if (!factor) return answer(false);
        const active = factor.status === 'active';
        return {
          result: active,
          writes: [
            { text: DELETE_FACTOR, values: [userId] },
            { text: DELETE_RECOVERY_CODES, values: [userId] },
          ],
          events: active ? ['disabled'] : [],
        };
      });
    },

    async status(userId) {
      checkUserId(userId);
      open();
      const [row] = await db.rows<FactorRow>(FACTOR_SNAPSHOT, [userId]);
      const at = now();
      if (!row || (row.status === 'pending' && (num(row.expires_at) ?? 0) <= at)) {
        return { userId, state: 'none', enabledAt: null, recoveryCodesLeft: 0, lockedUntil: null };
      }
      return statusOf(row, at);
    },

    async list(query = {}) {
      const limit = query.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new VerifierError('INVALID_ARGUMENT', 'limit must be an integer from 1 to 500.');
      }
      if (query.after !== undefined && typeof query.after !== 'string') {
        throw new VerifierError('INVALID_ARGUMENT', 'after must be the nextCursor of a page.');
      }
      const state =
        query.state === undefined ? null : query.state === 'enabled' ? 'active' : 'pending';
      open();
      const at = now();
      const rows = await db.rows<StatusRow>(FACTOR_PAGE, [query.after ?? '', limit + 1, state, at]);
      const items = rows.slice(0, limit).map((row) => statusOf(row, at));
      return { items, nextCursor: rows.length > limit ? (items.at(-1)?.userId ?? null) : null };
    },

    async rotateSecrets() {
      let resealed = 0;
      let after = '';
      for (;;) {
        open();
        const page = await db.rows<{ user_id: string; secret: string }>(FACTORS_AFTER, [
          after,
          ROTATION_BATCH,
        ]);
        for (const row of page) {
          if (sealedKeyId(row.secret) === ring.current.id) continue;
          const box = sealSecret(ring, openRow(ring, row), context(row.user_id));
          // Only if unchanged meanwhile: a new set-up already sealed its secret with this key.
          const done = await run(row.user_id, ({ factor }) =>
            factor?.secret === row.secret
              ? { result: 1, writes: [{ text: RESEAL, values: [row.user_id, box] }], events: [] }
              : answer(0),
          );
          resealed += done;
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
