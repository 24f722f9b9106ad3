import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMfaClient } from '../../sdk/client/index.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { createPasswordHasher } from '../crypto/passwords.ts';
import type { Store } from '../store/contract.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { bmsPages } from './index.tsx';

const PASSWORD = 'correct horse battery staple';
const cheap = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

describe('BMS page shells', () => {
  let dir: string;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  const cookieOf = async (username: string) => {
    const client = createMfaClient({
      baseUrl: 'http://localhost',
      fetch: (input, init) => Promise.resolve(app.request(input, init)),
    });
    await client.login({ username, password: PASSWORD });
    return client.jar!.header();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bms-shells-'));
    mkdirSync(join(dir, '.vite'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'main-1.js'), 'export {};');
    writeFileSync(
      join(dir, '.vite', 'manifest.json'),
      JSON.stringify({
        'main.ts': { file: 'assets/main-1.js', isEntry: true, css: ['assets/m.css'] },
      }),
    );
    const base = loadConfig({
      MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PWA_DIR: dir,
    });
    const config = { ...base, argon2: cheap };
    store = openSqliteStore({ path: ':memory:' });
    await store.migrate();
    const hasher = createPasswordHasher(cheap);
    const hash = await hasher.hash(PASSWORD);
    for (const [username, role] of [
      ['ada', 'admin'],
      ['bo', 'user'],
    ] as const) {
      await store.createUser(
        {
          username,
          name: username,
          kind: 'employee',
          role,
          authType: 'password',
          passwordHash: hash,
        },
        Date.now(),
      );
    }
    app = createApp({ store, config, hasher, pages: bmsPages({ assetsDir: dir }) });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the login with the bundle from the manifest, no inline script, the pages CSP and no-store', async () => {
    const res = await app.request('/login?next=/admin/audit');
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<script type="module" src="/assets/bms/assets/main-1.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/assets/bms/assets/m.css"/>');
    expect(html).toContain('data-next="/admin/audit"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('offers "Sign in with SSO" only with an IdP configured, and says why an SSO sign-in was refused', async () => {
    expect(await (await app.request('/login')).text()).not.toContain('Sign in with SSO');
    await store.setSamlIdp(
      {
        entityId: 'https://idp.test',
        ssoUrl: 'https://idp.test/sso',
        certificate: 'unused here',
        jitKind: null,
      },
      Date.now(),
    );
    try {
      const html = await (await app.request('/login?next=/admin/audit')).text();
      expect(html).toContain('href="/api/sso/saml/login?next=%2Fadmin%2Faudit"');
      expect(html).toContain('Sign in with SSO');
      const refused = await (await app.request('/login?sso_error=not_sso_user')).text();
      expect(refused).toContain(
        'SSO sign-in did not work: This name belongs to an account that signs in with a password',
      );
      // An unknown reason is not echoed.
      const made = await (await app.request('/login?sso_error=%3Cb%3Ehi')).text();
      expect(made).not.toContain('SSO sign-in did not work');
    } finally {
      await store.setSamlIdp(null, Date.now());
    }
  });

  it('serves the bundle with a long cache and 404s what is not in it', async () => {
    const res = await app.request('/assets/bms/assets/main-1.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/assets/bms/assets/nope.js')).status).toBe(404);
  });

  it('sends signed-out visitors to the login with where they were going', async () => {
    for (const path of ['/profile', '/admin/contacts']) {
      const res = await app.request(path);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    expect((await app.request('/')).headers.get('location')).toBe('/login');
  });

  it('shows admins the admin menu, and non-admins a 403 page for admin paths', async () => {
    const admin = await cookieOf('ada');
    const page = await (
      await app.request('/admin/contacts', { headers: { cookie: admin } })
    ).text();
    expect(page).toContain('data-page="users"');
    expect(page).toContain('data-kind="contact"');
    expect(page).toContain('Admin › CRM');
    const user = await cookieOf('bo');
    const profile = await (await app.request('/profile', { headers: { cookie: user } })).text();
    expect(profile).not.toContain('href="/admin/contacts"');
    expect(profile).toContain('data-policy-requires-mfa="false"');
    const denied = await app.request('/admin/contacts', { headers: { cookie: user } });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('Only administrators can open this page.');
    const signedIn = await app.request('/login?next=/profile', { headers: { cookie: user } });
    expect(signedIn.headers.get('location')).toBe('/profile');
    // A signed-in visit with a `next` a browser would read as another host: home, never a 5xx.
    for (const control of ['%09', '%0a', '%0d']) {
      const bad = await app.request(`/login?next=/${control}/evil.example`, {
        headers: { cookie: user },
      });
      expect([bad.status, bad.headers.get('location')]).toEqual([302, '/profile']);
    }
  });

  it('escapes what people typed into their names', async () => {
    await store.createUser(
      {
        username: 'eve',
        name: '<img src=x onerror=alert(1)>',
        kind: 'employee',
        role: 'user',
        authType: 'password',
        passwordHash: await createPasswordHasher(cheap).hash(PASSWORD),
      },
      Date.now(),
    );
    const html = await (
      await app.request('/profile', { headers: { cookie: await cookieOf('eve') } })
    ).text();
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
