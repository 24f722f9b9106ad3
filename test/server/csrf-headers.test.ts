import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorCode, makeHarness, PASSWORD } from './harness.ts';

describe('CSRF: state-changing browser requests must be same-origin', () => {
  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Origin null', { origin: 'null' }],
    ['another port', { origin: 'http://localhost:9999' }],
    ['cross-site fetch metadata without Origin', { origin: '', 'sec-fetch-site': 'cross-site' }],
    ['a foreign Referer without Origin', { origin: '', referer: 'https://evil.example/page' }],
    ['a Referer that is not a URL, without Origin', { origin: '', referer: 'nonsense' }],
    [
      'cross-site fetch metadata with a same-origin Origin',
      { origin: 'http://localhost', 'sec-fetch-site': 'cross-site' },
    ],
  ])('refuses %s with 403 and writes nothing', async (_, headers) => {
    const h = await makeHarness();
    await h.user('admin@demo.test', { role: 'admin' });
    const admin = await h.signIn('admin@demo.test');
    const h2: Record<string, string> = { ...headers };
    if (h2.origin === '') delete h2.origin;
    const res = await admin.request('/api/admin/policy', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...h2 },
      body: JSON.stringify({ requireMfaForNonSsoUsers: true }),
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('CSRF_FAILED');
    expect(await h.store.getPolicy()).toEqual({ requireMfaForNonSsoUsers: false });
  });

  it('accepts the same origin, a PUBLIC_ORIGIN, and non-browser clients without Origin', async () => {
    const h = await makeHarness({ config: { publicOrigins: ['https://mfa.example.com'] } });
    await h.user('bob@demo.test');
    const body = JSON.stringify({ username: 'bob@demo.test', password: PASSWORD });
    for (const origin of ['http://localhost', 'https://mfa.example.com', undefined]) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (origin) headers.origin = origin;
      const res = await h.client().request('/api/login', { method: 'POST', headers, body });
      expect(res.status, String(origin)).toBe(200);
    }
    // A same-origin Referer without Origin, as some browsers send on same-origin requests.
    const referred = await h.client().request('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', referer: 'http://localhost/login' },
      body,
    });
    expect(referred.status).toBe(200);
  });
});

describe('security headers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-pwa-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>PWA</title>');
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('locks the API down: CSP, no framing, no sniffing, no referrer, no caching', async () => {
    const h = await makeHarness();
    const res = await h.client().get('/api/health');
    expect(await res.json()).toEqual({ ok: true, store: 'sqlite' });
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('adds HSTS on HTTPS', async () => {
    const h = await makeHarness({ config: { allowedHosts: ['mfa.example.com'] } });
    const res = await h.client().get('https://mfa.example.com/api/health');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('serves the PWA at /app/ with a CSP that lets it run, the camera, and an uncached service worker', async () => {
    const h = await makeHarness({ config: { pwaDir: dir } });
    const client = h.client();
    const index = await client.get('/app/');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>PWA</title>');
    const csp = index.headers.get('content-security-policy')!;
    for (const part of [
      "script-src 'self' 'wasm-unsafe-eval'",
      "worker-src 'self' blob:",
      "img-src 'self' data: blob:",
      "media-src 'self' blob:",
      "connect-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "manifest-src 'self'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(part);
    }
    expect(index.headers.get('permissions-policy')).toContain('camera=(self)');
    const sw = await client.get('/app/sw.js');
    expect(sw.status).toBe(200);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect(sw.headers.get('service-worker-allowed')).toBe('/app/');
    const route = await client.get('/app/accounts/add');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>PWA</title>');
    expect((await client.get('/app/missing.js')).status).toBe(404);
    expect((await client.get('/app')).headers.get('location')).toBe('/app/');
  });

  it('does not mount /app/ when there is no PWA build', async () => {
    const h = await makeHarness();
    const res = await h.client().get('/app/');
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('NOT_FOUND');
  });
});
