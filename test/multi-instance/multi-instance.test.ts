/**
 * Two real server processes on one PostgreSQL database, driven over real HTTP with a cookie jar
 * and a same-origin `Origin`, as a browser behind a round-robin load balancer would. Every
 * guarantee that a single SQLite instance keeps must hold across the pair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { Browser } from './support/browser.ts';
import { type Instance, startInstances } from './support/instances.ts';
import { enrol, nextCode, startLogin, wrongCode } from './support/mfa-steps.ts';
import { PASSWORD, seedUsers } from './support/seed.ts';

const available = await postgresAvailable();

describe.skipIf(!available)('two server instances sharing one PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: string;
  let b: string;
  let instances: Instance[] = [];
  let ids: Map<string, number>;
  const pick = (i: number) => (i % 2 === 0 ? a : b);

  beforeAll(async () => {
    db = await createTestDatabase('mfa_multi');
    ids = await seedUsers(db.url, ['replay@x.test', 'brute@x.test', 'sess@x.test', 'nomfa@x.test']);
    instances = await startInstances(2, { DATABASE_URL: db.url, DATABASE_POOL_SIZE: '5' });
    [a, b] = instances.map((i) => i.url) as [string, string];
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await db?.drop();
  });

  it('reports the PostgreSQL store on both', async () => {
    for (const url of [a, b]) {
      expect(await (await fetch(`${url}/api/health`)).json()).toEqual({
        ok: true,
        store: 'postgres',
      });
    }
  });

  it('gives exactly one success to 40 concurrent submissions of one valid code split across both', async () => {
    const account = await enrol(new Browser(), a, 'replay@x.test');
    // Eight browsers each hold their own challenge (on alternating instances), so the challenge's
    // single use alone cannot explain one success: the shared replay guard must.
    const browsers = Array.from({ length: 8 }, () => new Browser());
    const challenges = await Promise.all(
      browsers.map((br, i) => startLogin(br, pick(i), 'replay@x.test')),
    );
    const code = nextCode(account);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        browsers[i % 8]!.post(pick(i), '/api/login/mfa', { challengeId: challenges[i % 8], code }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(
      statuses.every((s) => [200, 401, 410, 429].includes(s)),
      statuses.join(),
    ).toBe(true);
  });

  it('locks the user after at most 10 wrong codes sent alternately to both, then refuses the right code', async () => {
    const account = await enrol(new Browser(), b, 'brute@x.test');
    const browser = new Browser();
    let challenge = await startLogin(browser, a, 'brute@x.test');
    let wrong = 0;
    let locked = false;
    for (let i = 0; i < 12 && !locked; i++) {
      const res = await browser.post(pick(i), '/api/login/mfa', {
        challengeId: challenge,
        code: wrongCode(account),
      });
      if (res.status === 401) wrong++;
      else if (res.status === 410)
        challenge = await startLogin(browser, pick(i + 1), 'brute@x.test');
      else {
        expect(res.status).toBe(429);
        expect(res.body).toMatchObject({ error: { code: 'MFA_LOCKED' } });
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        locked = true;
      }
    }
    expect(locked).toBe(true);
    expect(wrong).toBeLessThanOrEqual(10);
    for (const url of [a, b]) {
      const fresh = new Browser();
      const res = await fresh.post(url, '/api/login', {
        username: 'brute@x.test',
        password: PASSWORD,
      });
      const answer =
        res.body.status === 'mfa_required'
          ? await fresh.post(url, '/api/login/mfa', {
              challengeId: res.body.challengeId,
              code: nextCode(account),
            })
          : res;
      expect(answer.status).toBe(429);
      expect(await fresh.get(url, '/api/me').then((r) => r.status)).toBe(401);
    }
  });

  it('accepts a session made on one on the other, and ends it on both when MFA is reset through the other', async () => {
    const account = await enrol(new Browser(), a, 'sess@x.test');
    const user = new Browser();
    const challenge = await startLogin(user, a, 'sess@x.test');
    const done = await user.post(a, '/api/login/mfa', {
      challengeId: challenge,
      code: nextCode(account),
    });
    expect(done.status).toBe(200);
    expect((await user.get(b, '/api/me')).status).toBe(200);
    expect((await user.get(a, '/api/me')).status).toBe(200);

    const admin = new Browser();
    expect(
      (await admin.post(b, '/api/login', { username: 'admin@x.test', password: PASSWORD })).body
        .status,
    ).toBe('authenticated');
    const reset = await admin.post(b, `/api/admin/users/${ids.get('sess@x.test')}/mfa/reset`);
    expect(reset.status).toBe(204);
    expect((await user.get(a, '/api/me')).status).toBe(401);
    expect((await user.get(b, '/api/me')).status).toBe(401);
  });

  it('enforces a policy change made on one on the other at the next request', async () => {
    const user = new Browser();
    const first = await user.post(b, '/api/login', {
      username: 'nomfa@x.test',
      password: PASSWORD,
    });
    expect(first.body.status).toBe('authenticated');
    const admin = new Browser();
    await admin.post(a, '/api/login', { username: 'admin@x.test', password: PASSWORD });
    const put = await admin.put(a, '/api/admin/policy', { requireMfaForNonSsoUsers: true });
    expect(put.status).toBe(200);
    expect((await admin.get(b, '/api/admin/policy')).body).toMatchObject({
      requireMfaForNonSsoUsers: true,
    });
    // The session made on B before the change ended; a new password login on B must set MFA up.
    expect((await user.get(b, '/api/me')).status).toBe(401);
    const again = await user.post(b, '/api/login', {
      username: 'nomfa@x.test',
      password: PASSWORD,
    });
    expect(again.body.status).toBe('mfa_setup_required');
    await admin.put(a, '/api/admin/policy', { requireMfaForNonSsoUsers: false });
  });
});
