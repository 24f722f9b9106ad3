/**
 * The direct Node path of `POST /api/login/mfa` (server/http/code-step-fast-path.ts) answers
 * exactly as the Hono route and its middlewares: the same scenarios run through `app.request`
 * and through the production Node server, and every answer (status, body, headers, cookies) and
 * the resulting state must match. Requests it must leave to Hono (cross-site, other media types,
 * oversized) must reach Hono untouched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import type { Config } from '../../server/config/config.ts';
import type { Store } from '../../server/store/contract.ts';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';
import { StoreUnavailableError } from '../../server/store/store-unavailable.ts';
import { type Client, type Harness, makeHarness } from './harness.ts';
import { startChallenge } from './login-steps.ts';

const USER = 'alice@demo.test';
const IGNORED = new Set([
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
]);

/** An answer with what may differ between two runs (tokens, dates) blanked. */
async function normal(res: Response) {
  const headers: Record<string, string> = {};
  for (const [name, value] of res.headers) {
    if (!IGNORED.has(name) && name !== 'set-cookie') headers[name] = value;
  }
  const cookies = res.headers.getSetCookie().map((c) => c.replace(/=[\w.-]{20,};/, '=<token>;'));
  if (cookies.length > 0) headers['set-cookie'] = cookies.join(' | ');
  const text = await res.text();
  return { status: res.status, headers, body: text ? JSON.parse(text) : null };
}

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

/** Makes the store's challenge read fail with `fault` while `faulty.on` is set. */
const faulty: { on: boolean; fault: Error } = { on: false, fault: new Error('x') };
function withFaults(store: Store): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'getChallengeContext' && faulty.on)
        return async () => Promise.reject(faulty.fault);
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function setUp(transport: 'app' | 'node', config: Partial<Config> = {}) {
  faulty.on = false;
  const store = withFaults(openSqliteStore({ path: ':memory:' }));
  const h = await makeHarness({ transport, config, store });
  harnesses.push(h);
  await h.user(USER);
  const { account, recoveryCodes } = await h.enableMfa(await h.signIn(USER));
  return { h, account, recoveryCodes };
}

type Step = (s: {
  h: Harness;
  account: OtpAccount;
  recoveryCodes: string[];
  c: Client;
}) => Promise<Response>;

/** Runs the steps on a fresh harness of each transport and expects equal answers. */
async function sameOnBoth(steps: Step[], config: Partial<Config> = {}) {
  const answers: Record<string, unknown[]> = {};
  const hono: Record<string, string[]> = {};
  for (const transport of ['app', 'node'] as const) {
    const s = await setUp(transport, config);
    const c = s.h.client('10.9.9.9');
    const before = s.h.honoPaths.length;
    answers[transport] = [];
    for (const step of steps) answers[transport]!.push(await normal(await step({ ...s, c })));
    hono[transport] = s.h.honoPaths.slice(before).filter((p) => p === '/api/login/mfa');
  }
  expect(answers.node).toEqual(answers.app);
  return {
    answers: answers.app as Awaited<ReturnType<typeof normal>>[],
    honoCodeSteps: hono.node!.length,
  };
}

const mfa = (c: Client, body: unknown, headers: Record<string, string> = {}) =>
  c.post('/api/login/mfa', body, headers);

describe('POST /api/login/mfa on the direct Node path', () => {
  it('answers a success, a replay, a wrong code and a recovery code as the Hono route', async () => {
    const { answers, honoCodeSteps } = await sameOnBoth([
      async ({ h, c, account }) =>
        mfa(c, { challengeId: await startChallenge(c, USER), code: h.code(account) }),
      // Same code on a new challenge, with the session of the first login in the jar.
      async ({ h, c, account }) =>
        mfa(c, { challengeId: await startChallenge(c, USER), code: h.code(account) }),
      async ({ c }) => mfa(c, { challengeId: await startChallenge(c, USER), code: '000000' }),
      async ({ c, recoveryCodes }) =>
        mfa(c, { challengeId: await startChallenge(c, USER), code: recoveryCodes[0] }),
      async ({ c }) => c.get('/api/me'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 401, 401, 200, 200]);
    expect(answers[0]!.headers['set-cookie']).toContain('mfa_session=<token>;');
    expect(answers[0]!.headers['cache-control']).toBe('no-store');
    expect(answers[0]!.headers['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(answers[3]!.body).toMatchObject({ status: 'authenticated', usedRecoveryCode: true });
    expect(honoCodeSteps).toBe(0);
  });

  it('answers malformed and invalid bodies and a missing binding as the Hono route', async () => {
    const { answers, honoCodeSteps } = await sameOnBoth([
      async ({ c }) => {
        await startChallenge(c, USER);
        return mfa(c, '{"challengeId": ');
      },
      async ({ c }) => mfa(c, { challengeId: await startChallenge(c, USER) }),
      async ({ c }) => mfa(c, { challengeId: '', code: 'x'.repeat(65) }),
      async ({ c }) => mfa(c, '[1, 2]'),
      // A UTF-8 byte-order mark is dropped as Request.json() drops it: a plain wrong code.
      async ({ c }) =>
        mfa(
          c,
          `\uFEFF${JSON.stringify({ challengeId: await startChallenge(c, USER), code: '111111' })}`,
        ),
      async ({ h, c, account }) => {
        const challengeId = await startChallenge(c, USER);
        const other = h.client('10.9.9.10');
        return mfa(other, { challengeId, code: h.code(account) });
      },
      async ({ c }) =>
        mfa(
          c,
          { challengeId: await startChallenge(c, USER), code: '123456' },
          { 'content-type': 'application/json; charset=UTF-8' },
        ),
    ]);
    expect(
      answers.map((a) => [a.status, (a.body as { error?: { code: string } }).error?.code]),
    ).toEqual([
      [400, 'MALFORMED_JSON'],
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
      [401, 'INVALID_CODE'],
      [410, 'CHALLENGE_EXPIRED'],
      [401, 'INVALID_CODE'],
    ]);
    expect(honoCodeSteps).toBe(0);
  });

  it('answers the lockout and the rate limit as the Hono route, with Retry-After', async () => {
    const wrong: Step = async ({ c }) =>
      mfa(c, { challengeId: await startChallenge(c, USER), code: '000000' });
    const { answers } = await sameOnBoth([
      ...Array.from({ length: 10 }, () => wrong),
      async ({ h, c, account }) =>
        mfa(c, { challengeId: await startChallenge(c, USER), code: h.code(account) }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([...Array(9).fill(401), 429, 429]);
    expect(answers[10]!.headers['retry-after']).toBe('900');
    const limited = await sameOnBoth(
      Array.from(
        { length: 4 },
        () =>
          async ({ c }: { c: Client }) =>
            mfa(c, { challengeId: 'x', code: '000000' }),
      ),
      { rateLimitPerMinute: 3 },
    );
    expect(limited.answers.map((a) => a.status)).toEqual([410, 410, 410, 429]);
    expect(limited.answers[3]!.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });

  it('leaves cross-site, non-JSON and oversized requests to Hono, which refuses them', async () => {
    const { answers, honoCodeSteps } = await sameOnBoth([
      async ({ c }) =>
        mfa(c, { challengeId: 'x', code: '000000' }, { origin: 'https://evil.example' }),
      async ({ c }) => mfa(c, 'challengeId=x', { 'content-type': 'text/plain' }),
      async ({ c }) => mfa(c, { challengeId: 'x', code: 'y'.repeat(70_000) }),
      async ({ c }) => c.post('/api/login/mfa?x=1', { challengeId: 'x', code: '000000' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([403, 415, 413, 410]);
    // The last one has a query string: not the exact path, so Hono answers it too.
    expect(honoCodeSteps).toBe(4);
  });
});

describe('faults on the direct Node path', () => {
  it('answers a store outage as 503 and an unexpected fault as 500, as the Hono route', async () => {
    const fault =
      (error: Error): Step =>
      async ({ c }) => {
        const challengeId = await startChallenge(c, USER);
        faulty.fault = error;
        faulty.on = true;
        try {
          return await mfa(c, { challengeId, code: '000000' });
        } finally {
          faulty.on = false;
        }
      };
    const { answers } = await sameOnBoth([
      fault(new StoreUnavailableError('ECONNREFUSED')),
      fault(new TypeError('a bug')),
    ]);
    expect(answers.map((a) => [a.status, a.headers['retry-after']])).toEqual([
      [503, '1'],
      [500, undefined],
    ]);
    expect(answers[1]!.body).toEqual({
      error: { code: 'INTERNAL', message: 'Something went wrong on the server.' },
    });
  });
});
