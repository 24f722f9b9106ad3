/**
 * Security headers through the real Node server (`@hono/node-server`), where they are written on
 * the Node response rather than on the web Response that `app.request` tests see.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyringOf } from '../../sdk/verifier/secret-box.ts';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config/config.ts';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';
import { CHEAP_ARGON2 } from './harness.ts';

describe('security headers over node:http', () => {
  const store = openSqliteStore({ path: ':memory:' });
  let server: ReturnType<typeof serve>;
  let base = '';
  beforeAll(async () => {
    await store.migrate();
    const app = createApp({
      store,
      config: { ...loadConfig({}), argon2: CHEAP_ARGON2 },
      keyring: keyringOf([randomBytes(32)]),
    });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await store.close();
  });

  const expectSecure = (res: Response, csp: RegExp) => {
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('content-security-policy')).toMatch(csp);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('permissions-policy')).toContain('camera=(');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  };

  it('sends them once on a JSON answer, with no-store on the API', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expectSecure(res, /^default-src 'none'/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('sends them on errors: unknown route, refused cross-site request, bad JSON', async () => {
    const notFound = await fetch(`${base}/api/nope`);
    expect(notFound.status).toBe(404);
    expectSecure(notFound, /^default-src 'none'/);
    const csrf = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(csrf.status).toBe(403);
    expectSecure(csrf, /^default-src 'none'/);
    const bad = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(bad.status).toBe(400);
    expectSecure(bad, /^default-src 'none'/);
  });

  it('uses the pages policy outside /api and /app', async () => {
    const res = await fetch(`${base}/somewhere`);
    expectSecure(res, /^default-src 'self'/);
  });
});
