/**
 * The demo's built-in test IdP: on only with the seeded demo company, its key kept in DATA_DIR,
 * and a whole SSO sign-in of erin@demo.test through its two plain pages.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../server/crypto/passwords.ts';
import { bmsPages } from '../../server/pages/index.tsx';
import { seedDemo } from '../../server/seed.ts';
import { enableTestIdp, TEST_IDP_ENTITY_ID } from '../../server/sso/test-idp.ts';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';
import { CHEAP_ARGON2, type Client, makeHarness, T0 } from './harness.ts';

/** The value of a hidden input of a page. */
const hidden = (page: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1]?.replace(/&amp;/g, '&') ?? '';

describe('built-in test IdP', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'test-idp-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const seeded = async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await store.migrate();
    await seedDemo(store, createPasswordHasher(CHEAP_ARGON2), 'demo-password', T0);
    return store;
  };

  it('stays off without the demo company', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await store.migrate();
    expect(await enableTestIdp(store, dir, T0)).toBeNull();
    expect(await store.getSamlIdp()).toBeNull();
  });

  it('keeps its key owner-only in DATA_DIR, the same across restarts, and never replaces a real IdP', async () => {
    const store = await seeded();
    const keys = await enableTestIdp(store, dir, T0);
    expect(statSync(join(dir, 'test-idp-key.pem')).mode & 0o777).toBe(0o600);
    expect(await store.getSamlIdp()).toMatchObject({
      entityId: TEST_IDP_ENTITY_ID,
      certificate: keys?.certificate,
    });
    expect((await enableTestIdp(store, dir, T0))?.certificate).toBe(keys?.certificate);
    const real = {
      entityId: 'https://idp.corp',
      ssoUrl: 'https://idp.corp/sso',
      certificate: 'x',
      jitKind: null,
    };
    await store.setSamlIdp(real, T0);
    await enableTestIdp(store, dir, T0);
    expect(await store.getSamlIdp()).toMatchObject(real);
  });

  it("plays erin's SSO sign-in: Sign in with SSO, the test IdP's two pages, then signed in", async () => {
    const store = await seeded();
    const testIdpKeys = await enableTestIdp(store, dir, T0);
    const h = await makeHarness({
      store,
      pages: bmsPages({ assetsDir: join(dir, 'no-bms'), testIdpKeys }),
    });
    const browser: Client = h.client();
    const login = await browser.get('/api/sso/saml/login?next=/profile');
    const idpUrl = new URL(login.headers.get('location') ?? '');
    expect(idpUrl.origin + idpUrl.pathname).toBe('http://localhost/test-idp/sso');

    const first = await browser.get(idpUrl.pathname + idpUrl.search);
    const page = await first.text();
    expect(first.status).toBe(200);
    expect(page).toContain('TEST identity provider');
    const signed = await browser.post(
      '/test-idp/sso',
      new URLSearchParams({
        requestId: hidden(page, 'requestId'),
        relayState: hidden(page, 'relayState'),
        nameId: 'erin@demo.test',
      }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    const second = await signed.text();
    expect(second).toContain('action="http://localhost/api/sso/saml/acs"');
    const acs = await browser.post(
      '/api/sso/saml/acs',
      new URLSearchParams({
        SAMLResponse: hidden(second, 'SAMLResponse'),
        RelayState: hidden(second, 'RelayState'),
      }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    );
    expect([acs.status, acs.headers.get('location')]).toEqual([303, '/profile']);
    const me = (await (await browser.get('/api/me')).json()) as { user: { username: string } };
    expect(me.user.username).toBe('erin@demo.test');
  });

  it('answers only AuthnRequests of this server', async () => {
    const store = await seeded();
    const testIdpKeys = await enableTestIdp(store, dir, T0);
    const h = await makeHarness({
      store,
      pages: bmsPages({ assetsDir: join(dir, 'x'), testIdpKeys }),
    });
    expect((await h.client().get('/test-idp/sso?SAMLRequest=bm9wZQ')).status).toBe(400);
  });
});
