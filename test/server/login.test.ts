import { beforeEach, describe, expect, it } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';
import { errorCode, type Harness, makeHarness, PASSWORD } from './harness.ts';
import { startChallenge } from './login-steps.ts';

describe('login with password and code', () => {
  let h: Harness;
  let account: OtpAccount;
  beforeEach(async () => {
    // mfa.example.com: the name the Secure-cookie test deploys under.
    h = await makeHarness({ config: { allowedHosts: ['mfa.example.com'] } });
    await h.user('alice@demo.test');
    await h.user('bob@demo.test');
    await h.user('erin@demo.test', { authType: 'saml' });
    ({ account } = await h.enableMfa(await h.signIn('alice@demo.test')));
  });

  it('signs a user without MFA in with the password alone, in an HttpOnly SameSite cookie', async () => {
    const client = h.client();
    const res = await client.post('/api/login', { username: 'BOB@demo.test', password: PASSWORD });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; user: { username: string } };
    expect(body).toMatchObject({ status: 'authenticated', user: { username: 'bob@demo.test' } });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('mfa_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('marks the session cookie Secure outside localhost', async () => {
    const client = h.client();
    const res = await client.post(
      'https://mfa.example.com/api/login',
      { username: 'bob@demo.test', password: PASSWORD },
      { origin: 'https://mfa.example.com' },
    );
    expect(res.headers.getSetCookie().find((c) => c.startsWith('mfa_session='))).toMatch(/Secure/);
  });

  it.each([
    ['a wrong password', 'alice@demo.test', 'wrong password'],
    ['an unknown user', 'nobody@demo.test', PASSWORD],
  ])('answers %s with INVALID_CREDENTIALS and no cookie', async (_, username, password) => {
    const res = await h.client().post('/api/login', { username, password });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('INVALID_CREDENTIALS');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('mfa_session='))).toBe(false);
  });

  it('tells an SSO-only user to use SSO (SSO_REQUIRED), with no cookie', async () => {
    const res = await h
      .client()
      .post('/api/login', { username: 'erin@demo.test', password: PASSWORD });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('SSO_REQUIRED');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('mfa_session='))).toBe(false);
  });

  it('asks for a code when MFA is on, with no session before the second factor', async () => {
    const client = h.client();
    const res = await client.post('/api/login', {
      username: 'alice@demo.test',
      password: PASSWORD,
    });
    const body = (await res.json()) as { status: string; challengeId: string };
    expect(body.status).toBe('mfa_required');
    expect(body.challengeId).toMatch(/^[\w-]{43}$/);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('mfa_session='))).toBe(false);
    expect((await client.get('/api/me')).status).toBe(401);
    const done = await client.post('/api/login/mfa', {
      challengeId: body.challengeId,
      code: h.code(account),
    });
    expect(done.status).toBe(200);
    // Both tokens are 32 random bytes, base64url.
    expect(done.headers.getSetCookie().find((c) => c.startsWith('mfa_session='))).toMatch(
      /^mfa_session=[\w-]{43};/,
    );
    expect(await done.json()).toMatchObject({
      status: 'authenticated',
      usedRecoveryCode: false,
      user: { username: 'alice@demo.test', mfa: { enabled: true, recoveryCodesLeft: 10 } },
    });
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('rotates the session token at login completion', async () => {
    const client = await h.signIn('bob@demo.test');
    const before = client.cookies.get('mfa_session');
    const stale = h.client();
    stale.cookies.set('mfa_session', before!);
    await client.post('/api/login', { username: 'bob@demo.test', password: PASSWORD });
    expect(client.cookies.get('mfa_session')).not.toBe(before);
    expect((await stale.get('/api/me')).status).toBe(401);
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('accepts codes one step either side of the server clock, not two', async () => {
    // Leave the enabling code's step (the last accepted one) well behind.
    h.advance(90_000);
    for (const [offset, status] of [
      [-2, 401],
      [2, 401],
      [-1, 200],
    ] as const) {
      const client = h.client();
      const challengeId = await startChallenge(client, 'alice@demo.test');
      const res = await client.post('/api/login/mfa', {
        challengeId,
        code: h.code(account, offset),
      });
      expect(res.status, `offset ${offset}`).toBe(status);
    }
    h.advance(60_000);
    const client = h.client();
    const challengeId = await startChallenge(client, 'alice@demo.test');
    expect(
      (await client.post('/api/login/mfa', { challengeId, code: h.code(account, 1) })).status,
    ).toBe(200);
  });

  it('refuses a client-sent time, and judges codes by the server clock only', async () => {
    const client = h.client();
    const challengeId = await startChallenge(client, 'alice@demo.test');
    const old = h.code(account, -10);
    const res = await client.post('/api/login/mfa', {
      challengeId,
      code: old,
      at: h.now() - 300_000,
      time: h.now() - 300_000,
    });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('VALIDATION_FAILED');
    const plain = await client.post('/api/login/mfa', { challengeId, code: old });
    expect(plain.status).toBe(401);
  });

  it('binds the challenge to the client that made it', async () => {
    const client = h.client();
    const challengeId = await startChallenge(client, 'alice@demo.test');
    const thief = h.client();
    const res = await thief.post('/api/login/mfa', { challengeId, code: h.code(account) });
    expect(res.status).toBe(410);
    expect(await errorCode(res)).toBe('CHALLENGE_EXPIRED');
    expect(thief.cookies.has('mfa_session')).toBe(false);
    expect(
      (await client.post('/api/login/mfa', { challengeId, code: h.code(account) })).status,
    ).toBe(200);
  });

  it('ends a challenge after 5 minutes', async () => {
    const client = h.client();
    const challengeId = await startChallenge(client, 'alice@demo.test');
    h.advance(5 * 60_000);
    const res = await client.post('/api/login/mfa', { challengeId, code: h.code(account) });
    expect(res.status).toBe(410);
    expect(await errorCode(res)).toBe('CHALLENGE_EXPIRED');
  });

  it('ends a challenge after 5 wrong codes, allowing retries before', async () => {
    const client = h.client();
    const challengeId = await startChallenge(client, 'alice@demo.test');
    for (let i = 0; i < 5; i++) {
      const res = await client.post('/api/login/mfa', { challengeId, code: '000000' });
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('INVALID_CODE');
    }
    const res = await client.post('/api/login/mfa', { challengeId, code: h.code(account) });
    expect(res.status).toBe(410);
  });

  it('ends a challenge at its first success', async () => {
    const client = h.client();
    const challengeId = await startChallenge(client, 'alice@demo.test');
    expect(
      (await client.post('/api/login/mfa', { challengeId, code: h.code(account) })).status,
    ).toBe(200);
    h.advance(30_000);
    const again = await client.post('/api/login/mfa', { challengeId, code: h.code(account) });
    expect(again.status).toBe(410);
  });

  it('does not let a set-up challenge or an unknown id pass as a code challenge', async () => {
    const client = h.client();
    const res = await client.post('/api/login/mfa', {
      challengeId: 'made-up',
      code: h.code(account),
    });
    expect(res.status).toBe(410);
    const challengeId = await startChallenge(client, 'alice@demo.test');
    const setup = await client.post('/api/login/mfa/setup', { challengeId });
    expect(setup.status).toBe(410);
  });

  it('logs out: the session ends and the cookie is cleared', async () => {
    const client = await h.signIn('bob@demo.test');
    const token = client.cookies.get('mfa_session')!;
    const res = await client.post('/api/logout');
    expect(res.status).toBe(204);
    expect(client.cookies.has('mfa_session')).toBe(false);
    const replayed = h.client();
    replayed.cookies.set('mfa_session', token);
    expect((await replayed.get('/api/me')).status).toBe(401);
    expect((await h.client().post('/api/logout')).status).toBe(204);
  });
});

describe('the code step over the production Node server', () => {
  it('sets the session and clears the binding, reads a charset and a byte-order mark, logs one line', async () => {
    const h = await makeHarness({ transport: 'node' });
    try {
      await h.user('alice@demo.test');
      const { account } = await h.enableMfa(await h.signIn('alice@demo.test'));
      const client = h.client('10.7.7.7');
      // A UTF-8 byte-order mark is dropped as Request.json() drops it: a plain wrong code.
      const challengeId = await startChallenge(client, 'alice@demo.test');
      const wrong = await client.post(
        '/api/login/mfa',
        `\uFEFF${JSON.stringify({ challengeId, code: '111111' })}`,
        { 'content-type': 'application/json; charset=UTF-8' },
      );
      expect(wrong.status).toBe(401);
      expect(await errorCode(wrong)).toBe('INVALID_CODE');

      const res = await client.post('/api/login/mfa', { challengeId, code: h.code(account) });
      expect(res.status).toBe(200);
      const ttl = Math.floor(h.config.sessionAbsoluteMs / 1000);
      expect(res.headers.getSetCookie()).toEqual([
        `mfa_session=${client.cookies.get('mfa_session')}; Max-Age=${ttl}; Path=/; HttpOnly; SameSite=Lax`,
        'mfa_challenge=; Max-Age=0; Path=/api/login; HttpOnly; SameSite=Strict',
      ]);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const lines = h.logLines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.message === 'request' && l.path === '/api/login/mfa');
      expect(lines).toEqual([
        expect.objectContaining({ method: 'POST', status: 401, ip: '10.7.7.7' }),
        expect.objectContaining({ method: 'POST', status: 200, ip: '10.7.7.7' }),
      ]);
      expect(typeof lines[1]!.ms).toBe('number');
    } finally {
      await h.close();
    }
  });

  it('answers an unexpected fault as a bare 500 INTERNAL and logs it', async () => {
    const faulty = { on: false };
    const inner = openSqliteStore({ path: ':memory:' });
    const store = new Proxy(inner, {
      get(target, name, receiver) {
        if (name === 'getChallengeContext' && faulty.on) {
          return async () => Promise.reject(new TypeError('a bug'));
        }
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const h = await makeHarness({ transport: 'node', store });
    try {
      await h.user('alice@demo.test');
      await h.enableMfa(await h.signIn('alice@demo.test'));
      const client = h.client();
      const challengeId = await startChallenge(client, 'alice@demo.test');
      faulty.on = true;
      const res = await client.post('/api/login/mfa', { challengeId, code: '000000' });
      expect(res.status).toBe(500);
      expect(res.headers.get('retry-after')).toBeNull();
      expect(await res.json()).toEqual({
        error: { code: 'INTERNAL', message: 'Something went wrong on the server.' },
      });
      expect(h.logLines.some((l) => l.includes('"message":"unhandled error"'))).toBe(true);
    } finally {
      await h.close();
    }
  });
});
