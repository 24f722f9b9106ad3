/**
 * Every change of a user's second factor, as a flow (`store/flow.ts`): a pure decision over the
 * user's row, run by whichever executor holds the database — the verifier's own (`createVerifier`)
 * or the BMS server's store, which adds its own writes (a session, the challenge's end) to the
 * same transaction. So each rule of the factor is written here once, whoever runs it.
 */
import { formatKeyUri, generateSecret, type OtpAccount, verifyCode } from '../otp/index.ts';
import type { RandomSource } from '../otp/secret.ts';
import { hashTypedRecoveryCode, newRecoveryCodes } from './recovery-hash.ts';
import { afterWrongCode, type LockoutLimits, lockTimeLeft, totpVerdict } from './rules.ts';
import { type Keyring, openSecret, sealSecret } from './secret-box.ts';
import type { Decision, FactorRow, Flow, Write } from './store/flow.ts';
import {
  ACCEPTED,
  ACTIVATE,
  COUNTED,
  DELETE_FACTOR,
  DELETE_RECOVERY_CODES,
  INSERT_RECOVERY_CODE,
  REPLACE_SECRET,
  RESEAL,
  START_ENROLMENT,
  USE_RECOVERY_CODE,
} from './store/statements.ts';
import type { VerifyResult } from './types.ts';
import { VerifierError } from './verifier-error.ts';

/** What the flows need: the keys, the limits and the clock. */
export interface FactorRulesOptions {
  keyring: Keyring;
  limits: LockoutLimits;
  enrolmentTtlMs: number;
  recoveryCodeCount: number;
  now: () => number;
  /** The authenticated context a user's secret is sealed with (a row copied to another user fails). */
  secretContext?: (userId: string) => string;
  /** Where secrets and recovery codes get their randomness (default: the platform's CSPRNG). */
  random?: RandomSource;
}

/** What a confirmation decided. */
export type ConfirmDecision =
  | { recoveryCodes: string[] }
  | { refused: 'MFA_ALREADY_ENABLED' | 'NOT_STARTED' | 'WRONG' }
  | { refused: 'LOCKED'; retryAfter: number };

/** What a replacement of an active factor's secret decided. */
export type ReplaceDecision =
  | { replaced: true }
  | { refused: 'MFA_NOT_ENABLED' | 'STALE' | 'WRONG' }
  | { refused: 'LOCKED'; retryAfter: number };

/** A new set-up's secret and URI, and the flow that stores it (its result: when it expires). */
export interface EnrolmentFlow {
  secret: string;
  uri: string;
  /** The expiry of the set-up, or null when the user's factor is active (nothing written). */
  flow: Flow<number | null>;
}

export interface FactorFlows {
  enrol(userId: string, names: { issuer: string; account: string }): EnrolmentFlow;
  confirm(userId: string, code: string): Flow<ConfirmDecision>;
  /** Null when the user has no active factor. */
  verify(userId: string, code: string): Flow<VerifyResult | null>;
  /** Null when the user has no active factor. */
  regenerateRecoveryCodes(userId: string): Flow<string[] | null>;
  /** Whether an active factor was removed (a pending one goes too). */
  disable(userId: string): Flow<boolean>;
  /**
   * A new secret for the active factor enabled at `enabledAt` (the replacement started on it: a
   * reset, a disable or an earlier replacement changes that), proven by a code of the new secret
   * under the lockout; the recovery codes stay.
   */
  replaceSecret(
    userId: string,
    replacement: { secret: string; enabledAt: number; code: string },
  ): Flow<ReplaceDecision>;
  /** Seals the secret again with the current key, if it is still `sealed`; 1 when it did. */
  reseal(userId: string, sealed: string): Flow<number>;
  /** The account of a row, its secret decrypted in memory only. */
  accountOf(row: FactorRow): OtpAccount;
}

const num = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

/** A decision that writes nothing. */
const answer = <T>(result: T, events: Decision<T>['events'] = []): Decision<T> => ({
  result,
  writes: [],
  events,
});

const flow = <T>(
  userId: string,
  decide: Flow<T>['decide'],
  recoveryHash: string | null = null,
): Flow<T> => ({ userId, recoveryHash, decide });

/**
 * The flows of one verifier's settings.
 *
 * @example
 * const flows = factorFlows({ keyring, limits: { threshold: 10, lockMs: 900_000 },
 *   enrolmentTtlMs: 600_000, recoveryCodeCount: 10, now: Date.now });
 * const { result } = await db.run(flows.verify('user-7', '492039'));
 */
export function factorFlows(options: FactorRulesOptions): FactorFlows {
  const { keyring, limits, now, random } = options;
  const context = options.secretContext ?? ((userId: string) => `mfa-verifier:${userId}`);

  const accountOf = (row: FactorRow): OtpAccount => ({
    type: 'totp',
    secret: openRow(keyring, row, context(row.user_id)),
    issuer: row.issuer,
    label: row.account,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });

  /** The writes of a new set of recovery codes, replacing the old; the codes to show once. */
  const recoveryCodeWrites = (userId: string): { codes: string[]; writes: Write[] } => {
    const { codes, hashes } = newRecoveryCodes(userId, options.recoveryCodeCount, random);
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
      write: { text: COUNTED, values: [row.user_id, next.failures, next.locks, next.lockedUntil] },
      lockedFor: next.lockedNow && next.lockedUntil !== null ? next.lockedUntil - at : null,
    };
  };

  /** The answer to a wrong code of a set-up or a replacement: refused, and locked at the limit. */
  const refuseWrong = <R>(
    row: FactorRow,
    at: number,
    wrong: R,
    locked: (retryAfter: number) => R,
  ): Decision<R> => {
    const { write, lockedFor } = countWrong(row, at);
    return lockedFor === null
      ? { result: wrong, writes: [write], events: ['failed'] }
      : { result: locked(lockedFor), writes: [write], events: ['failed', 'locked'] };
  };

  return {
    accountOf,

    enrol(userId, { issuer, account }) {
      const secret = generateSecret(20, random);
      const uri = formatKeyUri({
        type: 'totp',
        secret,
        issuer,
        label: account,
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      });
      const sealed = sealSecret(keyring, secret, context(userId));
      return {
        secret,
        uri,
        flow: flow(userId, ({ factor }) => {
          if (factor?.status === 'active') return answer(null);
          const at = now();
          const ends = at + options.enrolmentTtlMs;
          return {
            result: ends,
            writes: [
              { text: START_ENROLMENT, values: [userId, sealed, issuer, account, at, ends] },
            ],
            events: ['enrolment_started'],
          };
        }),
      };
    },

    confirm(userId, code) {
      const typed = code.replace(/\s+/g, '');
      return flow(userId, ({ factor }): Decision<ConfirmDecision> => {
        const at = now();
        if (factor?.status === 'active') return answer({ refused: 'MFA_ALREADY_ENABLED' });
        if (!factor || (num(factor.expires_at) ?? 0) <= at) {
          return answer({ refused: 'NOT_STARTED' });
        }
        const left = lockTimeLeft(num(factor.locked_until), at);
        if (left !== null) return answer({ refused: 'LOCKED', retryAfter: left });
        const checked = verifyCode(accountOf(factor), typed, { at, window: 1 });
        if (!checked.ok) {
          return refuseWrong<ConfirmDecision>(factor, at, { refused: 'WRONG' }, (retryAfter) => ({
            refused: 'LOCKED',
            retryAfter,
          }));
        }
        const { codes, writes } = recoveryCodeWrites(userId);
        return {
          result: { recoveryCodes: codes },
          writes: [{ text: ACTIVATE, values: [userId, checked.step, at] }, ...writes],
          events: ['enabled'],
        };
      });
    },

    verify(userId, code) {
      const clean = code.replace(/\s+/g, '');
      const totp = /^\d{6}$/.test(clean);
      const hash = totp ? null : hashTypedRecoveryCode(userId, code);
      return flow(
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
          return refuseWrong<VerifyResult | null>(
            factor,
            at,
            { ok: false, reason: 'wrong' },
            (retryAfter) => ({ ok: false, reason: 'locked', retryAfter }),
          );
        },
        hash,
      );
    },

    regenerateRecoveryCodes(userId) {
      return flow(userId, ({ factor }): Decision<string[] | null> => {
        if (factor?.status !== 'active') return answer(null);
        const { codes, writes } = recoveryCodeWrites(userId);
        return { result: codes, writes, events: ['recovery_codes_regenerated'] };
      });
    },

    disable: disableFlow,

    replaceSecret(userId, { secret, enabledAt, code }) {
      const typed = code.replace(/\s+/g, '');
      const sealed = sealSecret(keyring, secret, context(userId));
      return flow(userId, ({ factor }): Decision<ReplaceDecision> => {
        const at = now();
        if (factor?.status !== 'active') return answer({ refused: 'MFA_NOT_ENABLED' });
        if (num(factor.enabled_at) !== enabledAt) return answer({ refused: 'STALE' });
        const left = lockTimeLeft(num(factor.locked_until), at);
        if (left !== null) return answer({ refused: 'LOCKED', retryAfter: left });
        const checked = verifyCode({ ...accountOf(factor), secret }, typed, { at, window: 1 });
        if (!checked.ok) {
          return refuseWrong<ReplaceDecision>(factor, at, { refused: 'WRONG' }, (retryAfter) => ({
            refused: 'LOCKED',
            retryAfter,
          }));
        }
        // Enabled later than the factor it replaced, so the same replacement cannot apply twice.
        const enabled = Math.max(at, enabledAt + 1);
        return {
          result: { replaced: true },
          writes: [{ text: REPLACE_SECRET, values: [userId, sealed, checked.step, enabled] }],
          events: ['verified'],
        };
      });
    },

    reseal(userId, old) {
      return flow(userId, ({ factor }) => {
        // Only if unchanged meanwhile: a new set-up already sealed its secret with this key.
        if (factor?.secret !== old) return answer(0);
        const box = sealSecret(keyring, accountOf(factor).secret, context(userId));
        return { result: 1, writes: [{ text: RESEAL, values: [userId, box] }], events: [] };
      });
    },
  };
}

/**
 * Removes the user's factor, pending or active, with its recovery codes and its lock (they are
 * the row's): needs no key, so an operator's tool can run it. Its result: whether an active
 * factor was removed.
 *
 * @example await db.run(disableFlow('user-7'));
 */
export function disableFlow(userId: string): Flow<boolean> {
  return flow(userId, ({ factor }): Decision<boolean> => {
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
}

/**
 * A row's secret, decrypted in memory only. A secret that does not open (a key not configured, a
 * row altered or copied from another user) is an operator's problem, named without the secret.
 */
function openRow(ring: Keyring, row: { secret: string }, context: string): string {
  try {
    return openSecret(ring, row.secret, context);
  } catch {
    throw new VerifierError(
      'SECRET_UNREADABLE',
      "This user's secret cannot be decrypted: its key is not configured, or the row was altered.",
    );
  }
}
