/**
 * `secondFactor`, the Hono middleware of `mfa-companion/verifier/hono`, in front of a login's
 * second step: only an accepted code reaches the handler; each refusal has its status and code.
 */
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCode, type OtpAccount, parseKeyUri } from '../../sdk/otp/index.ts';
import { secondFactor } from '../../sdk/verifier/hono.ts';
import { createVerifier, type Verifier } from '../../sdk/verifier/index.ts';
import { newKey } from './verifier-contract.ts';

let verifier: Verifier;
let now: number;
let account: OtpAccount;
let recoveryCodes: string[];
let reached: unknown[];

const app = () => {
  const hono = new Hono();
  hono.post(
    '/login/code',
    // The example's pending login: a header the first step would have set as a cookie.
    secondFactor(verifier, { userId: (c) => c.req.header('x-pending-user') ?? null }),
    (c) => {
      reached.push(c.get('secondFactor'));
      return c.json({ signedIn: c.get('secondFactor').userId });
    },
  );
  return hono;
};
const send = (body: unknown, user: string | null = 'ada') =>
  app().request('/login/code', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { 'x-pending-user': user } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const answer = async (response: Response) => ({
  status: response.status,
  body: await response.json(),
});

beforeEach(async () => {
  now = Date.parse('2026-12-07T12:00:00Z');
  reached = [];
  verifier = await createVerifier({
    database: ':memory:',
    encryptionKey: newKey(),
    now: () => now,
  });
  const { uri } = await verifier.enrol('ada', { issuer: 'Acme', account: 'ada' });
  account = parseKeyUri(uri);
  ({ recoveryCodes } = await verifier.confirm('ada', generateCode(account, now)));
  now += 30_000;
});
afterEach(() => verifier.close());

describe('secondFactor middleware', () => {
  it('lets an accepted code through with what it was, and refuses it the second time', async () => {
    const code = generateCode(account, now);
    expect(await answer(await send({ code }))).toEqual({ status: 200, body: { signedIn: 'ada' } });
    expect(reached).toEqual([{ userId: 'ada', usedRecoveryCode: false, recoveryCodesLeft: 10 }]);
    expect(await answer(await send({ code }))).toEqual({
      status: 401,
      body: { error: { code: 'CODE_ALREADY_USED', message: expect.any(String) } },
    });
    expect(reached).toHaveLength(1);
  });

  it('takes a recovery code once', async () => {
    expect((await send({ code: recoveryCodes[0] })).status).toBe(200);
    expect(reached).toEqual([{ userId: 'ada', usedRecoveryCode: true, recoveryCodesLeft: 9 }]);
    expect((await answer(await send({ code: recoveryCodes[0] }))).body.error.code).toBe(
      'CODE_ALREADY_USED',
    );
  });

  it('answers wrong codes 401, then 429 with Retry-After once they lock', async () => {
    for (let i = 1; i < 10; i++) {
      expect(await answer(await send({ code: '000000' }))).toMatchObject({
        status: 401,
        body: { error: { code: 'INVALID_CODE' } },
      });
    }
    const locked = await send({ code: '000000' });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect((await answer(await send({ code: generateCode(account, now) }))).body.error.code).toBe(
      'MFA_LOCKED',
    );
    expect(reached).toEqual([]);
  });

  it('refuses without a pending login, without a code, and for a user without MFA', async () => {
    expect(await answer(await send({ code: '123456' }, null))).toMatchObject({
      status: 401,
      body: { error: { code: 'LOGIN_REQUIRED' } },
    });
    for (const body of ['not json', {}, { code: 7 }, { code: '' }]) {
      expect(await answer(await send(body))).toMatchObject({
        status: 400,
        body: { error: { code: 'INVALID_REQUEST' } },
      });
    }
    expect(await answer(await send({ code: '123456' }, 'bob'))).toMatchObject({
      status: 409,
      body: { error: { code: 'MFA_NOT_ENABLED' } },
    });
    expect(reached).toEqual([]);
  });
});
