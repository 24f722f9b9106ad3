import { checkAccount } from './account.ts';
import { constantTimeEqual } from './constant-time.ts';
import { codeAt, timeStep } from './generate-code.ts';
import { LIMITS, type OtpAccount } from './types.ts';

export interface VerifyOptions {
  /** Milliseconds since the epoch (default `Date.now()`); ignored for HOTP. */
  at?: number;
  /** Steps tried on each side (TOTP) or ahead (HOTP), 0–50; default 1. */
  window?: number;
  /** Replay guard: steps at or before this one are refused (the last accepted step). */
  afterStep?: number;
}

export type VerifyResult = { ok: true; step: number } | { ok: false };

const FAIL: VerifyResult = Object.freeze({ ok: false });

/** TOTP tries now, then one step back, one ahead, two back…; HOTP only looks ahead. */
function candidates(account: OtpAccount, at: number, window: number): number[] {
  if (account.type === 'hotp') {
    const from = account.counter as number;
    return Array.from({ length: window + 1 }, (_, i) => from + i);
  }
  const now = timeStep(at, account.period);
  const steps = [now];
  for (let i = 1; i <= window; i++) steps.push(now - i, now + i);
  return steps;
}

function validOptions(window: unknown, afterStep: unknown): boolean {
  if (typeof window !== 'number' || !Number.isInteger(window)) return false;
  if (window < 0 || window > LIMITS.maxWindow) return false;
  return afterStep === undefined || afterStep === null || typeof afterStep === 'number';
}

/**
 * Checks a code typed by a person. Never throws: any bad input (wrong type or length, spaces,
 * non-ASCII digits, an invalid account or option) is `{ ok: false }`.
 *
 * @param account The account the code should come from.
 * @param code Exactly `account.digits` ASCII digits.
 * @param opts `at` (default now), `window` (default 1), `afterStep` (replay guard).
 * @returns `{ ok: true, step }` with the matched time step (TOTP) or counter (HOTP) — store it
 *   and pass it back as `afterStep` so the same code cannot be used twice — or `{ ok: false }`.
 * @see RFC 6238 §5.2, RFC 4226 §7.4
 * @example
 * const result = verifyCode(account, '492039', { afterStep: lastStep });
 * if (result.ok) lastStep = result.step;
 */
export function verifyCode(
  account: OtpAccount,
  code: string,
  opts: VerifyOptions = {},
): VerifyResult {
  try {
    if (typeof opts !== 'object' || opts === null) return FAIL;
    const { at = Date.now(), window = 1, afterStep } = opts;
    if (!validOptions(window, afterStep)) return FAIL;
    const key = checkAccount(account);
    if (typeof code !== 'string' || code.length !== account.digits) return FAIL;
    if (!/^[0-9]+$/.test(code)) return FAIL;
    // NaN never compares true, so a NaN guard must refuse everything rather than nothing.
    const guard = afterStep ?? Number.NEGATIVE_INFINITY;
    if (Number.isNaN(guard)) return FAIL;
    for (const step of candidates(account, at, window)) {
      if (step < 0 || step <= guard || !Number.isSafeInteger(step)) continue;
      if (constantTimeEqual(codeAt(key, account, step), code)) return { ok: true, step };
    }
    return FAIL;
  } catch {
    return FAIL;
  }
}
