/**
 * Behind reverse proxies (TRUST_PROXY = how many): the client's address is the entry that many
 * from the right of X-Forwarded-For, never one the client wrote itself; HTTPS through a trusted
 * proxy gets HSTS.
 */
import { describe, expect, it } from 'vitest';
import { makeHarness, PASSWORD } from './harness.ts';

/** The client addresses the request log lines name. */
const loggedAddress = (lines: string[]) =>
  lines
    .map((l) => JSON.parse(l) as { message?: string; ip?: string })
    .filter((l) => l.message === 'request')
    .map((l) => l.ip);

describe('the client address behind trusted proxies', () => {
  it.each([
    // One proxy appends the address it saw; whatever the client sent stays to its left.
    [1, '6.6.6.6, 203.0.113.7', '203.0.113.7'],
    [1, '203.0.113.7', '203.0.113.7'],
    // A CDN then a load balancer: the CDN wrote the client, the balancer the CDN.
    [2, '6.6.6.6, 203.0.113.7, 198.51.100.2', '203.0.113.7'],
    [2, '203.0.113.7, 198.51.100.2', '203.0.113.7'],
  ])('with %i proxies, X-Forwarded-For %j is client %s', async (hops, header, client) => {
    const h = await makeHarness({ config: { trustProxy: hops } });
    await h.client().get('/api/health', { 'x-forwarded-for': header });
    expect(loggedAddress(h.logLines)).toEqual([client]);
  });

  it('falls back to the socket when fewer proxies than configured wrote the header', async () => {
    const h = await makeHarness({ config: { trustProxy: 2 } });
    await h.client().get('/api/health', { 'x-forwarded-for': '203.0.113.7' });
    expect(loggedAddress(h.logLines)).toEqual(['unknown']);
  });

  it('rate-limits the real client, however it varies the entries it writes itself', async () => {
    const h = await makeHarness({ config: { trustProxy: 1, rateLimitPerMinute: 5 } });
    await h.user('alice@demo.test');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await h
        .client()
        .post(
          '/api/login',
          { username: 'alice@demo.test', password: `${PASSWORD}-wrong` },
          { 'x-forwarded-for': `10.0.0.${i}, 203.0.113.7` },
        );
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const audit = (await h.store.listAudit({ limit: 20 })).events;
    expect(new Set(audit.map((e) => e.ip))).toEqual(new Set(['203.0.113.7']));
  });
});

describe('HSTS', () => {
  const hsts = async (config: { trustProxy: number; hstsMaxAge?: number }, proto?: string) => {
    const h = await makeHarness({ config });
    const headers: Record<string, string> = proto ? { 'x-forwarded-proto': proto } : {};
    const answers = await Promise.all(
      ['/api/health', '/login', '/api/nope'].map((p) => h.client().get(p, headers)),
    );
    return answers.map((r) => r.headers.get('strict-transport-security'));
  };

  it('is sent on every answer when a trusted proxy says the request was HTTPS', async () => {
    expect(await hsts({ trustProxy: 1 }, 'https')).toEqual(
      Array(3).fill('max-age=31536000; includeSubDomains'),
    );
    expect(await hsts({ trustProxy: 1, hstsMaxAge: 600 }, 'https')).toEqual(
      Array(3).fill('max-age=600; includeSubDomains'),
    );
  });

  it('is not sent over plain HTTP, on an untrusted proxy header, or with HSTS_MAX_AGE=0', async () => {
    expect(await hsts({ trustProxy: 1 }, 'http')).toEqual([null, null, null]);
    expect(await hsts({ trustProxy: 1 })).toEqual([null, null, null]);
    expect(await hsts({ trustProxy: 0 }, 'https')).toEqual([null, null, null]);
    expect(await hsts({ trustProxy: 1, hstsMaxAge: 0 }, 'https')).toEqual([null, null, null]);
  });
});
