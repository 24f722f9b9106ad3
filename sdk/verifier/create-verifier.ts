import QRCode from 'qrcode';
import { OtpError } from '../otp/index.ts';
import { factorFlows } from './factor-flows.ts';
import { type LockoutLimits, lockTimeLeft } from './rules.ts';
import { type Keyring, keyringOf, sealedKeyId } from './secret-box.ts';
import type { Decision, FactorRow, Flow } from './store/flow.ts';
import { migrateVerifier } from './store/migrations.ts';
import { openPostgres } from './store/postgres-database.ts';
import type { SqlDatabase } from './store/sql-database.ts';
import { openSqlite } from './store/sqlite-database.ts';
import { FACTOR_PAGE, FACTOR_SNAPSHOT, FACTORS_AFTER } from './store/statements.ts';
import type { Enrolment, FactorStatus, Verifier, VerifierEvent, VerifierOptions } from './types.ts';
import { VerifierError } from './verifier-error.ts';

/** A row of a listing (`FACTOR_PAGE`) or of `status` (`FACTOR_SNAPSHOT`). */
type StatusRow = Pick<
  FactorRow,
  'user_id' | 'status' | 'enabled_at' | 'expires_at' | 'locked_until' | 'codes_left'
>;

const num = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

const MAX_USER_ID = 255;
const MAX_CODE = 100;
const ROTATION_BATCH = 500;

/**
 * Opens a verifier: replay-safe TOTP, recovery codes and lockout over your own user ids, stored
 * in tables of its own (`mfa_verifier_*`, created by its migrations) in a SQLite file or a
 * PostgreSQL database. Its rules are the flows of `factor-flows.ts`; this runs them in
 * transactions of its own and turns refusals into errors. See the README's
 * "mfa-companion/verifier" for every guarantee.
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
  const flows = factorFlows({
    keyring: ring,
    limits,
    now,
    enrolmentTtlMs: positive(options.enrolmentTtlMs ?? 10 * 60_000, 'enrolmentTtlMs'),
    recoveryCodeCount: positive(options.recoveryCodeCount ?? 10, 'recoveryCodeCount'),
  });
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
  const run = async <T>(flow: Flow<T>): Promise<T> => {
    open();
    const { result, events }: Decision<T> = await db.run(flow);
    const at = now();
    for (const type of events) await deliver(options, { type, userId: flow.userId, at });
    return result;
  };
  const notEnabled = () =>
    new VerifierError('MFA_NOT_ENABLED', 'MFA is not enabled for this user.');

  return {
    async enrol(userId, { issuer, account }) {
      checkUserId(userId);
      checkName(issuer, 'issuer');
      checkName(account, 'account');
      let started: ReturnType<typeof flows.enrol>;
      try {
        started = flows.enrol(userId, { issuer, account });
      } catch (error) {
        if (error instanceof OtpError) throw new VerifierError('INVALID_ARGUMENT', error.message);
        throw error;
      }
      const expiresAt = await run(started.flow);
      if (expiresAt === null) {
        throw new VerifierError('MFA_ALREADY_ENABLED', 'MFA is already enabled; disable it first.');
      }
      const qrSvg = await QRCode.toString(started.uri, {
        type: 'svg',
        margin: 1,
        errorCorrectionLevel: 'M',
      });
      return { secret: started.secret, uri: started.uri, qrSvg, expiresAt } satisfies Enrolment;
    },

    async confirm(userId, code) {
      checkUserId(userId);
      const decided = await run(flows.confirm(userId, checkCode(code)));
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
      const result = await run(flows.verify(userId, checkCode(code)));
      if (result === null) throw notEnabled();
      return result;
    },

    async regenerateRecoveryCodes(userId) {
      checkUserId(userId);
      const codes = await run(flows.regenerateRecoveryCodes(userId));
      if (!codes) throw notEnabled();
      return { recoveryCodes: codes };
    },

    async disable(userId) {
      checkUserId(userId);
      return run(flows.disable(userId));
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
          resealed += await run(flows.reseal(row.user_id, row.secret));
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
