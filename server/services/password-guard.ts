import { isIPv6 } from 'node:net';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { sha256 } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { Deps } from './deps.ts';

/**
 * 429 `RATE_LIMITED` for an attempt refused while others for the same name are still in flight:
 * no lock is set, so it must not say locked.
 */
const busy = (retryAfterMs: number) =>
  new AppError(
    ErrorCode.RATE_LIMITED,
    'Other attempts are still being checked: try again.',
    retryAfterMs,
  );

/**
 * How long a name's counter outlives its last attempt: failures older than a day of quiet are
 * forgotten (housekeeping removes the row), so a few typos a month never add up to a lock.
 */
const LOGIN_FAILURES_FORGET_MS = 24 * 60 * 60_000;

/** One password attempt, reserved on both counters: end it with `failed` or `succeeded`. */
export interface PasswordAttempt {
  /** Counts the failure; true when it set a lock (to audit once). */
  failed(): Promise<boolean>;
  succeeded(): Promise<void>;
}

/**
 * The part of a client address one person is assumed to hold: the address itself for IPv4, its
 * /64 for IPv6 (one subscriber gets a whole /64, so single addresses cost nothing to change).
 *
 * @example addressBucket('2001:db8:1:2:aaaa::1'); // '2001:db8:1:2::/64'
 */
export function addressBucket(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * The two counters a password attempt for `username` from `ip` is counted on, by the name as
 * typed (normalised as the user lookup does), whether or not it names a user — so an unknown or
 * SSO name answers exactly as an existing one, and the lock tells nothing:
 * - the name from this address: `passwordMaxFailures` (10) in a row lock that address out, each
 *   further lock longer (15 min × (1 + n²)): the guesser is stopped, not the user;
 * - the name from anywhere: only `passwordNameMaxFailures` (100) lock the name as a whole, for a
 *   fixed 15 minutes (anyone can set it off, so it does not grow).
 */
function countersOf(deps: Deps, username: string, ip: string) {
  const name = username.toLowerCase();
  const { passwordMaxFailures, passwordNameMaxFailures } = deps.config.limits;
  return [
    {
      key: sha256(`login-name-address\n${name}\n${addressBucket(ip)}`),
      threshold: passwordMaxFailures,
      escalation: 1 as const,
    },
    {
      key: sha256(`login-name\n${name}`),
      threshold: passwordNameMaxFailures,
      escalation: 0 as const,
    },
  ];
}

/**
 * Reserves a password attempt on both counters before the password is checked (concurrent
 * guesses cannot overrun either), or refuses it: 429 `LOGIN_LOCKED` while either is locked,
 * 429 `RATE_LIMITED` for a second while other attempts of that name hold the budget in flight.
 *
 * @example
 * const attempt = await reservePasswordAttempt(deps, username, ip);
 * if (await hasher.verify(hash, password)) await attempt.succeeded();
 * else await attempt.failed();
 */
export async function reservePasswordAttempt(
  deps: Deps,
  username: string,
  ip: string,
): Promise<PasswordAttempt> {
  const { store, clock, config } = deps;
  const now = clock.now();
  const counters = countersOf(deps, username, ip);
  const forgetAt = now + LOGIN_FAILURES_FORGET_MS;
  const reserved: typeof counters = [];
  for (const counter of counters) {
    const answer = await store.reserveLoginAttempt(counter.key, now, {
      threshold: counter.threshold,
      forgetAt,
    });
    if (!answer.allowed) {
      for (const taken of reserved) await store.releaseLoginAttempt(taken.key);
      if (!answer.locked) throw busy(answer.retryAfterMs);
      throw new AppError(
        ErrorCode.LOGIN_LOCKED,
        'Too many login attempts: try again later.',
        answer.retryAfterMs,
      );
    }
    reserved.push(counter);
  }
  return {
    async failed() {
      let locked = false;
      for (const { key, threshold, escalation } of counters) {
        const after = await store.recordLoginFailure(key, now, {
          threshold,
          lockMs: config.limits.lockoutMs,
          escalation,
        });
        locked ||= after.lockedUntil !== null;
      }
      return locked;
    },
    async succeeded() {
      for (const { key } of counters) await store.clearLoginFailures(key, clock.now());
    },
  };
}
