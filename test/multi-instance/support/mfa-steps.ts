import { expect } from 'vitest';
import { generateCode, type OtpAccount, parseKeyUri } from '../../../sdk/otp/index.ts';
import type { Browser } from './browser.ts';
import { PASSWORD } from './seed.ts';

/**
 * Logs in with the password on `base` and enables MFA from the profile; returns the account the
 * phone would hold. The code accepted at enable is the current time step, so the next usable
 * code is {@link nextCode}'s.
 */
export async function enrol(browser: Browser, base: string, username: string) {
  const login = await browser.post(base, '/api/login', { username, password: PASSWORD });
  expect(login.body.status).toBe('authenticated');
  const setup = await browser.post(base, '/api/me/mfa/setup');
  expect(setup.status).toBe(200);
  const account = parseKeyUri(String(setup.body.otpauthUri));
  const enabled = await browser.post(base, '/api/me/mfa/enable', { code: generateCode(account) });
  expect(enabled.status).toBe(200);
  return account;
}

/** The code of the next time step: inside the ±1 window, after the step used at enable. */
export const nextCode = (account: OtpAccount) =>
  generateCode(account, Date.now() + account.period * 1000);

/** A code that is certainly wrong for the account right now (outside the window). */
export const wrongCode = (account: OtpAccount) =>
  generateCode(account, Date.now() + 10 * account.period * 1000);

/** Password step of a login that must answer `mfa_required`; returns the challenge id. */
export async function startLogin(browser: Browser, base: string, username: string) {
  const res = await browser.post(base, '/api/login', { username, password: PASSWORD });
  expect(res.body.status, JSON.stringify(res.body)).toBe('mfa_required');
  return String(res.body.challengeId);
}
