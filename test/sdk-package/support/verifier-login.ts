import { expect } from 'vitest';
import { generateCode, type OtpAccount, parseKeyUri } from '../../../sdk/otp/index.ts';

/** An answer of the example: status, JSON body and the cookies it set. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/**
 * One browser's cookies for one site: sends back what the example set, forgets what it expired
 * (`Max-Age=0`), as a browser would for these HttpOnly cookies.
 */
export class Browser {
  readonly #cookies = new Map<string, string>();
  constructor(readonly url: string) {}

  has(name: string): boolean {
    return this.#cookies.has(name);
  }

  async send(method: 'GET' | 'POST', path: string, body?: object): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#cookies.size > 0) {
      headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      headers: res.headers,
    };
  }

  post = (path: string, body?: object) => this.send('POST', path, body);
  get = (path: string) => this.send('GET', path);
}

const refusal = (status: number, code: string) => ({ status, body: { error: { code } } });

export const ADA = { username: 'ada@example.test', password: 'ada-password' };

/** What a run of the loop leaves for a later check against the same database. */
export interface LoopOutcome {
  account: OtpAccount;
  /** The TOTP code the login accepted (spent). */
  usedCode: string;
  /** The recovery code the loop spent. */
  usedRecoveryCode: string;
}

/**
 * The whole loop of a verifier example over HTTP, as a person's browser and authenticator app
 * do it: password → session (MFA off), enrol → confirm with the app's code → logout → password
 * → pending login → code → session; the same code again refused as replayed; a recovery code
 * accepted once. Both examples answer alike, so one loop checks either.
 */
export async function driveLoginLoop(url: string): Promise<LoopOutcome> {
  const browser = new Browser(url);
  expect(await browser.post('/login', { ...ADA, password: 'wrong' })).toMatchObject(
    refusal(401, 'INVALID_CREDENTIALS'),
  );
  expect(await browser.post('/login', ADA)).toMatchObject({
    status: 200,
    body: { step: 'signed-in' },
  });
  expect(await browser.get('/mfa/status')).toMatchObject({
    status: 200,
    body: { state: 'none', enabledAt: null },
  });

  const enrolment = await browser.post('/mfa/enrol');
  expect(enrolment.status).toBe(200);
  expect(String(enrolment.body.qrSvg)).toMatch(/<svg[^>]*>.*<\/svg>/s);
  const account = parseKeyUri(String(enrolment.body.uri));
  expect(account).toMatchObject({ issuer: 'Verifier Example', label: ADA.username });
  expect((await browser.get('/mfa/status')).body).toMatchObject({ state: 'pending' });
  const confirmed = await browser.post('/mfa/confirm', { code: generateCode(account) });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  const recoveryCodes = confirmed.body.recoveryCodes as string[];
  expect(recoveryCodes).toHaveLength(10);
  expect(new Set(recoveryCodes).size).toBe(10);
  expect((await browser.get('/mfa/status')).body).toMatchObject({
    state: 'enabled',
    recoveryCodesLeft: 10,
    lockedUntil: null,
  });
  expect(await browser.post('/mfa/enrol')).toMatchObject(refusal(409, 'MFA_ALREADY_ENABLED'));

  expect((await browser.post('/logout')).status).toBe(200);
  expect(await browser.get('/mfa/status')).toMatchObject(refusal(401, 'NOT_SIGNED_IN'));
  expect(await browser.post('/login/code', { code: generateCode(account) })).toMatchObject(
    refusal(401, 'LOGIN_REQUIRED'),
  );

  // The password alone now gives a pending login, not a session.
  expect(await browser.post('/login', ADA)).toMatchObject({ status: 200, body: { step: 'code' } });
  expect(browser.has('session')).toBe(false);
  expect(browser.has('pending_login')).toBe(true);
  expect(await browser.get('/mfa/status')).toMatchObject(refusal(401, 'NOT_SIGNED_IN'));
  expect(await browser.post('/login/code', { code: 'not-a-code' })).toMatchObject(
    refusal(401, 'INVALID_CODE'),
  );
  // The next step's code: the confirmation spent the current one.
  const usedCode = generateCode(account, Date.now() + account.period * 1000);
  expect(await browser.post('/login/code', { code: usedCode })).toMatchObject({
    status: 200,
    body: { step: 'signed-in', usedRecoveryCode: false, recoveryCodesLeft: 10 },
  });
  expect(browser.has('pending_login')).toBe(false);
  expect((await browser.get('/mfa/status')).body).toMatchObject({ state: 'enabled' });

  // Someone who saw the code (or the same browser again) cannot sign in with it a second time.
  const other = new Browser(url);
  expect(await other.post('/login', ADA)).toMatchObject({ body: { step: 'code' } });
  expect(await other.post('/login/code', { code: usedCode })).toMatchObject(
    refusal(401, 'CODE_ALREADY_USED'),
  );
  expect(other.has('session')).toBe(false);

  const [usedRecoveryCode = ''] = recoveryCodes;
  expect(await other.post('/login/code', { code: usedRecoveryCode })).toMatchObject({
    status: 200,
    body: { step: 'signed-in', usedRecoveryCode: true, recoveryCodesLeft: 9 },
  });
  const third = new Browser(url);
  await third.post('/login', ADA);
  expect(await third.post('/login/code', { code: usedRecoveryCode })).toMatchObject(
    refusal(401, 'CODE_ALREADY_USED'),
  );
  expect((await other.get('/mfa/status')).body).toMatchObject({ recoveryCodesLeft: 9 });
  return { account, usedCode, usedRecoveryCode };
}

/**
 * After a restart on the same database: the factor is still on and the spent codes stay spent
 * (the replay guard is in the database, not in the process).
 */
export async function checkSpentAfterRestart(url: string, spent: LoopOutcome): Promise<void> {
  const browser = new Browser(url);
  expect(await browser.post('/login', ADA)).toMatchObject({ body: { step: 'code' } });
  expect(await browser.post('/login/code', { code: spent.usedCode })).toMatchObject(
    refusal(401, 'CODE_ALREADY_USED'),
  );
  expect(await browser.post('/login/code', { code: spent.usedRecoveryCode })).toMatchObject(
    refusal(401, 'CODE_ALREADY_USED'),
  );
  expect(browser.has('session')).toBe(false);
}
