/**
 * The steps of a password-and-code login that the server tests repeat: a harness whose user has
 * MFA on, the password step that hands out a challenge, and a code sent on a fresh challenge.
 */
import { expect } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import { type Client, type Harness, makeHarness, PASSWORD } from './harness.ts';

/**
 * A fresh harness with `username` created, signed in once and its TOTP factor enabled.
 * @example
 * ({ h, account, recoveryCodes: codes } = await harnessWithMfaUser('alice@demo.test'));
 */
export async function harnessWithMfaUser(
  username: string,
): Promise<{ h: Harness; account: OtpAccount; recoveryCodes: string[] }> {
  const h = await makeHarness();
  await h.user(username);
  const { account, recoveryCodes } = await h.enableMfa(await h.signIn(username));
  return { h, account, recoveryCodes };
}

/**
 * Passes the password step as `username` (it must answer 200) and returns the id of the code
 * challenge it opened for `client`.
 * @example
 * const challengeId = await startChallenge(client, 'alice@demo.test');
 */
export async function startChallenge(client: Client, username: string): Promise<string> {
  const res = await client.post('/api/login', { username, password: PASSWORD });
  expect(res.status, 'password step').toBe(200);
  return ((await res.json()) as { challengeId: string }).challengeId;
}

/**
 * Sends `code` (TOTP or recovery) on a challenge opened just for it.
 * @example
 * expect((await submitCode(client, 'alice@demo.test', h.code(account))).status).toBe(200);
 */
export async function submitCode(client: Client, username: string, code: string | undefined) {
  const challengeId = await startChallenge(client, username);
  return client.post('/api/login/mfa', { challengeId, code });
}
