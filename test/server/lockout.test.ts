import { beforeEach, describe, expect, it } from 'vitest';
import { type OtpAccount, parseKeyUri } from '../../sdk/otp/index.ts';
import { apiOperations } from './api-doc.ts';
import { type Client, errorCode, type Harness, makeHarness, PASSWORD } from './harness.ts';
import { harnessWithMfaUser, startChallenge, submitCode } from './login-steps.ts';

describe('brute-force protection', () => {
  let h: Harness;
  let account: OtpAccount;
  let codes: string[];
  beforeEach(async () => {
    ({ h, account, recoveryCodes: codes } = await harnessWithMfaUser('alice@demo.test'));
  });

  const submit = (client: Client, code: string | undefined) =>
    submitCode(client, 'alice@demo.test', code);

  /** `n` wrong codes spread over several challenges and addresses. */
  const wrongCodes = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const client = h.client(`192.0.2.${i}`);
      const res = await submit(client, '000000');
      if (i < n - 1 || n < 10) expect(res.status).toBe(401);
      else return res;
    }
  };

  it('locks the second factor after 10 wrong codes across challenges and addresses', async () => {
    const tenth = (await wrongCodes(10))!;
    expect(tenth.status).toBe(429);
    expect(await errorCode(tenth)).toBe('MFA_LOCKED');
    expect(Number(tenth.headers.get('retry-after'))).toBe(15 * 60);
  });

  it('refuses even a correct TOTP or recovery code during the lock, on every path', async () => {
    const signedIn = await h.signIn('alice@demo.test', account);
    await wrongCodes(10);
    h.advance(30_000);
    const client = h.client();
    const totp = await submit(client, h.code(account));
    expect(totp.status).toBe(429);
    const rec = await submit(client, codes[0]);
    expect(rec.status).toBe(429);
    for (const path of ['/api/me/mfa/recovery-codes', '/api/me/mfa/disable']) {
      const res = await signedIn.post(path, { code: h.code(account) });
      expect(res.status, path).toBe(429);
      expect(res.headers.get('retry-after')).toBeTruthy();
    }
  });

  it('writes one lock as one audit event, however many attempts were in flight', async () => {
    // Ten wrong codes at once on one challenge each: the tenth counted locks; the others were
    // counted before it or meet the lock, and only the one that locked audits it.
    const clients = Array.from({ length: 12 }, (_, i) => h.client(`198.51.100.${i}`));
    const ids: string[] = [];
    for (const c of clients) {
      const res = await c.post('/api/login', { username: 'alice@demo.test', password: PASSWORD });
      ids.push(((await res.json()) as { challengeId: string }).challengeId);
    }
    await Promise.all(
      clients.map((c, i) => c.post('/api/login/mfa', { challengeId: ids[i], code: '000000' })),
    );
    const actions = (await h.store.listAudit({ limit: 100 })).events.map((e) => e.action);
    expect(actions.filter((a) => a === 'mfa.locked')).toHaveLength(1);
  });

  it('answers correct logins racing each other as busy, never as locked', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        h
          .client(`203.0.113.${i}`)
          .post('/api/login', { username: 'alice@demo.test', password: PASSWORD }),
      ),
    );
    const codes = await Promise.all(results.map((r) => (r.status === 200 ? 'ok' : errorCode(r))));
    expect(codes.filter((c) => c === 'LOGIN_LOCKED')).toEqual([]);
    expect(codes.every((c) => c === 'ok' || c === 'RATE_LIMITED')).toBe(true);
    for (const r of results.filter((x) => x.status === 429)) {
      expect(r.headers.get('retry-after')).toBe('1');
    }
  });

  it('lifts the lock after 15 minutes', async () => {
    await wrongCodes(10);
    h.advance(15 * 60_000);
    const client = h.client();
    const res = await submit(client, h.code(account));
    expect(res.status).toBe(200);
  });

  it('locks longer each further time (15, 30, 75 min) until an admin reset lifts it', async () => {
    const waits: number[] = [];
    for (let n = 0; n < 3; n++) {
      const tenth = (await wrongCodes(10))!;
      const retry = Number(tenth.headers.get('retry-after'));
      waits.push(retry / 60);
      h.advance(retry * 1000);
    }
    expect(waits).toEqual([15, 30, 75]);
    await wrongCodes(10);
    await h.user('root@demo.test', { role: 'admin' });
    const admin = await h.signIn('root@demo.test');
    const alice = (await h.store.getUserByUsername('alice@demo.test'))!;
    expect((await admin.post(`/api/admin/users/${alice.id}/mfa/reset`)).status).toBe(204);
    // The next login sets MFA up again, and its first code is not refused by the old lock.
    const client = h.client();
    const challengeId = await startChallenge(client, 'alice@demo.test');
    const setup = await client.post('/api/login/mfa/setup', { challengeId });
    const { otpauthUri } = (await setup.json()) as { otpauthUri: string };
    const verify = await client.post('/api/login/mfa/setup/verify', {
      challengeId,
      code: h.code(parseKeyUri(otpauthUri)),
    });
    expect(verify.status).toBe(200);
  });

  it('restarts the count after a success', async () => {
    await wrongCodes(9);
    const client = h.client();
    expect((await submit(client, h.code(account))).status).toBe(200);
    await wrongCodes(9);
    h.advance(30_000);
    const after = h.client();
    expect((await submit(after, h.code(account))).status).toBe(200);
  });

  it('counts wrong recovery codes too', async () => {
    for (let i = 0; i < 9; i++) {
      const client = h.client();
      await submit(client, 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE');
    }
    const client = h.client();
    const res = await submit(client, 'not-a-code');
    expect(res.status).toBe(429);
  });

  it('keeps password failures apart: wrong passwords do not lock the code step', async () => {
    const guesser = h.client('192.0.2.99');
    for (let i = 0; i < 10; i++) {
      const res = await guesser.post('/api/login', {
        username: 'alice@demo.test',
        password: `wrong ${i}`,
      });
      expect(res.status).toBe(401);
    }
    const locked = await guesser.post('/api/login', {
      username: 'alice@demo.test',
      password: PASSWORD,
    });
    expect(locked.status).toBe(429);
    expect(await errorCode(locked)).toBe('LOGIN_LOCKED');
    expect(locked.headers.get('retry-after')).toBe(String(15 * 60));
    // A signed-in session can still prove the second factor.
    h.advance(15 * 60_000);
    const client = await h.signIn('alice@demo.test', account);
    h.advance(30_000);
    expect(
      (await client.post('/api/me/mfa/recovery-codes', { code: h.code(account) })).status,
    ).toBe(200);
  });

  it('keeps code failures apart: a locked code step still accepts the password', async () => {
    await wrongCodes(10);
    const res = await h
      .client()
      .post('/api/login', { username: 'alice@demo.test', password: PASSWORD });
    expect(res.status).toBe(200);
  });
});

describe('per-address rate limits', async () => {
  it('allows RATE_LIMIT_PER_MINUTE requests a minute per address and route, then 429 with Retry-After', async () => {
    const h = await makeHarness({ config: { rateLimitPerMinute: 5 } });
    await h.user('bob@demo.test');
    const office = h.client('203.0.113.7');
    for (let i = 0; i < 5; i++) {
      expect(
        (await office.post('/api/login', { username: 'bob@demo.test', password: 'nope' })).status,
      ).toBe(401);
    }
    const limited = await office.post('/api/login', {
      username: 'bob@demo.test',
      password: PASSWORD,
    });
    expect(limited.status).toBe(429);
    expect(await errorCode(limited)).toBe('RATE_LIMITED');
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    // A sliding minute: the hits of this minute still weigh in the next one.
    expect(retry).toBeLessThanOrEqual(120);
    // Another route from the same address, and the same route from another address, still work.
    expect((await office.post('/api/login/mfa', { challengeId: 'x', code: '123456' })).status).toBe(
      410,
    );
    expect(
      (
        await h
          .client('203.0.113.8')
          .post('/api/login', { username: 'bob@demo.test', password: PASSWORD })
      ).status,
    ).toBe(200);
    h.advance(retry * 1000);
    expect(
      (await office.post('/api/login', { username: 'bob@demo.test', password: PASSWORD })).status,
    ).toBe(200);
  });

  const limited = (await apiOperations()).filter((o) => o.rateLimited);

  it('limits the password and code steps, as the OpenAPI document says', () => {
    const named = limited.map((o) => `${o.method} ${o.path}`);
    expect(named).toContain('POST /api/login');
    expect(named).toContain('POST /api/login/mfa');
  });

  it.each(limited.map((o) => [o.method, o.path] as const))('limits %s %s', async (method, path) => {
    const h = await makeHarness({ config: { rateLimitPerMinute: 2 } });
    const client = h.client();
    const send = () =>
      method.toLowerCase() === 'get'
        ? client.get(path)
        : client.post(path, { challengeId: 'x', code: '1' });
    for (let i = 0; i < 2; i++) await send();
    const res = await send();
    expect(res.status).toBe(429);
    expect(await errorCode(res)).toBe('RATE_LIMITED');
  });
});
