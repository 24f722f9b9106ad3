import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { addressBucket } from '../../server/services/password-guard.ts';
import { errorCode, type Harness, makeHarness, PASSWORD } from './harness.ts';

const MIN = 60_000;

/** What a login answer tells an outsider: status, error code and Retry-After. */
async function answerOf(res: Response) {
  return {
    status: res.status,
    code: res.status === 200 ? null : await errorCode(res),
    retryAfter: res.headers.get('retry-after'),
  };
}

describe('password lockout by name and address (issue 25)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
    await h.user('alice@demo.test');
    await h.user('erin@demo.test', { authType: 'saml' });
  });

  const login = (ip: string, username: string, password = 'wrong password') =>
    h.client(ip).post('/api/login', { username, password });

  it('locks the guessing address out after 10 wrong passwords, not the user at hers', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await login('192.0.2.1', 'alice@demo.test')).status).toBe(401);
    }
    const refused = await answerOf(await login('192.0.2.1', 'alice@demo.test', PASSWORD));
    expect(refused).toEqual({ status: 429, code: 'LOGIN_LOCKED', retryAfter: String(15 * 60) });
    // The same name typed differently is the same counter.
    expect((await login('192.0.2.1', 'ALICE@demo.test', PASSWORD)).status).toBe(429);
    expect((await login('198.51.100.4', 'alice@demo.test', PASSWORD)).status).toBe(200);
  });

  it('answers an unknown name and an existing one alike, lock included; an SSO-only name is sent to SSO', async () => {
    const sequence = async (username: string, ip: string) => {
      const answers = [];
      for (let i = 0; i < 12; i++) answers.push(await answerOf(await login(ip, username)));
      h.advance(15 * MIN);
      answers.push(await answerOf(await login(ip, username)));
      return answers;
    };
    const existing = await sequence('alice@demo.test', '192.0.2.10');
    expect(existing.map((a) => a.status)).toEqual([...Array(10).fill(401), 429, 429, 401]);
    expect(await sequence('nobody@demo.test', '192.0.2.11')).toEqual(existing);
    const sso = await sequence('erin@demo.test', '192.0.2.12');
    expect(sso.map((a) => `${a.status} ${a.code}`)).toEqual(Array(13).fill('401 SSO_REQUIRED'));
  });

  it('answers 30 concurrent wrong passwords alike for an unknown name and an existing one', async () => {
    const burst = async (username: string, ip: string) => {
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => login(ip, username).then(answerOf)),
      );
      return answers.map((a) => `${a.status} ${a.code}`).sort();
    };
    const existing = await burst('alice@demo.test', '192.0.2.20');
    // Ten are checked; the rest meet attempts in flight (busy) or the lock they set.
    expect(existing.filter((a) => a === '401 INVALID_CREDENTIALS')).toHaveLength(10);
    expect(
      existing.every((a) => /^(401 INVALID_CREDENTIALS|429 (RATE_LIMITED|LOGIN_LOCKED))$/.test(a)),
    ).toBe(true);
    const unknown = await burst('nobody@demo.test', '192.0.2.21');
    expect(unknown.filter((a) => a === '401 INVALID_CREDENTIALS')).toHaveLength(10);
    expect(
      unknown.every((a) => /^(401 INVALID_CREDENTIALS|429 (RATE_LIMITED|LOGIN_LOCKED))$/.test(a)),
    ).toBe(true);
  });

  it('locks a guessing address longer each time (15, 30, 75 min); a right password there restarts it', async () => {
    const waits: number[] = [];
    for (let n = 0; n < 3; n++) {
      for (let i = 0; i < 10; i++) await login('192.0.2.30', 'alice@demo.test');
      const res = await login('192.0.2.30', 'alice@demo.test');
      waits.push(Number(res.headers.get('retry-after')) / 60);
      h.advance(waits.at(-1)! * MIN);
    }
    expect(waits).toEqual([15, 30, 75]);
    expect((await login('192.0.2.30', 'alice@demo.test', PASSWORD)).status).toBe(200);
    for (let i = 0; i < 10; i++) await login('192.0.2.30', 'alice@demo.test');
    const again = await login('192.0.2.30', 'alice@demo.test');
    expect(again.headers.get('retry-after')).toBe(String(15 * 60));
  });

  it('locks the name as a whole only after 100 wrong passwords from anywhere, for 15 minutes', async () => {
    for (const username of ['alice@demo.test', 'nobody@demo.test']) {
      for (let i = 0; i < 100; i++) {
        const res = await login(`10.1.${Math.floor(i / 9)}.${i % 9}`, username);
        expect(res.status, `attempt ${i + 1} for ${username}`).toBe(401);
      }
      const fresh = await answerOf(await login('203.0.113.50', username, PASSWORD));
      expect(fresh).toEqual({ status: 429, code: 'LOGIN_LOCKED', retryAfter: String(15 * 60) });
    }
    const actions = (await h.store.listAudit({ limit: 500 })).events.map((e) => e.action);
    expect(actions.filter((a) => a === 'login.locked')).toHaveLength(2);
    h.advance(15 * MIN);
    expect((await login('203.0.113.50', 'alice@demo.test', PASSWORD)).status).toBe(200);
  });

  it('counts an IPv6 /64 as one address', async () => {
    for (let i = 1; i <= 10; i++) {
      expect((await login(`2001:db8:7:7::${i.toString(16)}`, 'alice@demo.test')).status).toBe(401);
    }
    const res = await login('2001:db8:7:7:ffff:1:2:3', 'alice@demo.test', PASSWORD);
    expect(await errorCode(res)).toBe('LOGIN_LOCKED');
    expect((await login('2001:db8:7:8::1', 'alice@demo.test', PASSWORD)).status).toBe(200);
  });

  it('forgets failures after a day without attempts', async () => {
    for (let i = 0; i < 9; i++) await login('192.0.2.40', 'alice@demo.test');
    h.advance(24 * 60 * MIN);
    await h.store.pruneExpired(h.now(), 30 * MIN);
    for (let i = 0; i < 9; i++) {
      expect((await login('192.0.2.40', 'alice@demo.test')).status).toBe(401);
    }
    expect((await login('192.0.2.40', 'alice@demo.test', PASSWORD)).status).toBe(200);
  });
});

describe('addressBucket', () => {
  it('keeps IPv4 addresses, unwraps IPv4-mapped ones and cuts IPv6 to its /64', () => {
    expect(addressBucket('192.0.2.1')).toBe('192.0.2.1');
    expect(addressBucket('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0DB8:0001:0002:0:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  });

  it('gives every address of a /64 the same bucket, whatever its spelling', () => {
    const group = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
    fc.assert(
      fc.property(
        fc.array(group, { minLength: 8, maxLength: 8 }),
        fc.array(group, { minLength: 4, maxLength: 4 }),
        (full, host) => {
          const a = full.join(':');
          const b = [...full.slice(0, 4), ...host]
            .map((g) => g.padStart(4, '0').toUpperCase())
            .join(':');
          expect(addressBucket(b)).toBe(addressBucket(a));
          expect(addressBucket(a)).toBe(`${full.slice(0, 4).join(':')}::/64`);
        },
      ),
    );
  });
});
