import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base32Encode } from './base32.ts';
import { generateCode } from './generate-code.ts';
import type { OtpAccount } from './types.ts';
import { verifyCode } from './verify-code.ts';

const totp: OtpAccount = {
  type: 'totp',
  secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  label: 'alice',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
};
const hotp: OtpAccount = { ...totp, type: 'hotp', counter: 5 };
const T = 1_700_000_000_000; // step 56666666 at 30 s
const STEP = Math.floor(T / 30_000);

describe('verifyCode (TOTP)', () => {
  it('accepts the current code and returns its time step', () => {
    expect(verifyCode(totp, generateCode(totp, T), { at: T })).toEqual({ ok: true, step: STEP });
  });
  it('accepts the previous and next step with the default window of 1', () => {
    expect(verifyCode(totp, generateCode(totp, T - 30_000), { at: T })).toEqual({
      ok: true,
      step: STEP - 1,
    });
    expect(verifyCode(totp, generateCode(totp, T + 30_000), { at: T })).toEqual({
      ok: true,
      step: STEP + 1,
    });
  });
  it('refuses a code two steps away unless the window is widened', () => {
    const old = generateCode(totp, T - 60_000);
    expect(verifyCode(totp, old, { at: T })).toEqual({ ok: false });
    expect(verifyCode(totp, old, { at: T, window: 2 })).toEqual({ ok: true, step: STEP - 2 });
  });
  it('with window 0 accepts only the current step', () => {
    expect(verifyCode(totp, generateCode(totp, T - 30_000), { at: T, window: 0 }).ok).toBe(false);
  });
  it('rejects a code already used in this time step (afterStep)', () => {
    const code = generateCode(totp, T);
    expect(verifyCode(totp, code, { at: T, afterStep: STEP })).toEqual({ ok: false });
    expect(verifyCode(totp, code, { at: T, afterStep: STEP - 1 })).toEqual({
      ok: true,
      step: STEP,
    });
  });
  it('rejects an earlier step once a later one was accepted', () => {
    const previous = generateCode(totp, T - 30_000);
    expect(verifyCode(totp, previous, { at: T, afterStep: STEP })).toEqual({ ok: false });
  });
  it('rejects a wrong code', () => {
    const right = generateCode(totp, T);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(verifyCode(totp, wrong, { at: T, window: 0 })).toEqual({ ok: false });
  });
  it('accepts any generated code with its exact step, for any time up to year 3000', () => {
    const accounts = fc.record({
      algorithm: fc.constantFrom('SHA1', 'SHA256', 'SHA512' as const),
      digits: fc.integer({ min: 6, max: 8 }),
      period: fc.integer({ min: 1, max: 300 }),
      secret: fc.uint8Array({ minLength: 10, maxLength: 64 }),
    });
    const year3000 = Date.UTC(3000, 0, 1);
    fc.assert(
      fc.property(accounts, fc.integer({ min: 0, max: year3000 }), (fields, at) => {
        const a: OtpAccount = { ...totp, ...fields, secret: base32Encode(fields.secret) };
        const result = verifyCode(a, generateCode(a, at), { at });
        expect(result).toEqual({ ok: true, step: Math.floor(at / 1000 / a.period) });
      }),
      { numRuns: 300 },
    );
  });
});

describe('verifyCode (HOTP)', () => {
  it('accepts the code at the counter and returns that counter', () => {
    expect(verifyCode(hotp, generateCode(hotp))).toEqual({ ok: true, step: 5 });
  });
  it('looks ahead by the window but never back', () => {
    const ahead = generateCode({ ...hotp, counter: 6 });
    const behind = generateCode({ ...hotp, counter: 4 });
    expect(verifyCode(hotp, ahead)).toEqual({ ok: true, step: 6 });
    expect(verifyCode(hotp, behind)).toEqual({ ok: false });
    expect(verifyCode(hotp, generateCode({ ...hotp, counter: 9 }), { window: 4 })).toEqual({
      ok: true,
      step: 9,
    });
  });
  it('refuses a counter at or before afterStep', () => {
    expect(verifyCode(hotp, generateCode(hotp), { afterStep: 5 })).toEqual({ ok: false });
  });
});

describe('verifyCode never throws', () => {
  const code = generateCode(totp, T);
  const bad: [string, unknown, unknown, unknown][] = [
    ['a number instead of a string', totp, Number(code), { at: T }],
    ['a code with a space', totp, `${code.slice(0, 3)} ${code.slice(3)}`, { at: T }],
    ['a code with a trailing newline', totp, `${code}\n`, { at: T }],
    [
      'full-width digits',
      totp,
      code.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
      { at: T },
    ],
    [
      'Arabic-Indic digits',
      totp,
      code.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d))),
      { at: T },
    ],
    ['too short', totp, code.slice(1), { at: T }],
    ['too long', totp, `${code}0`, { at: T }],
    ['an empty string', totp, '', { at: T }],
    ['null', totp, null, { at: T }],
    ['a broken account', { ...totp, secret: '!!' }, code, { at: T }],
    ['no account', undefined, code, { at: T }],
    ['a NaN time', totp, code, { at: Number.NaN }],
    ['a negative window', totp, code, { at: T, window: -1 }],
    ['a huge window', totp, code, { at: T, window: 1e9 }],
    ['a NaN afterStep', totp, code, { at: T, afterStep: Number.NaN }],
  ];
  it('returns { ok: false } for options that are not an object', () => {
    expect(verifyCode(totp, generateCode(totp), 42 as never)).toEqual({ ok: false });
    expect(verifyCode(totp, generateCode(totp), null as never)).toEqual({ ok: false });
  });
  it.each(bad)('returns { ok: false } for %s', (_, a, c, o) => {
    expect(verifyCode(a as OtpAccount, c as string, o as { at: number })).toEqual({ ok: false });
  });
});
