import { beforeEach, describe, expect, it } from 'vitest';
import { parseKeyUri } from '../../sdk/otp/index.ts';
import { type Client, errorCode, type Harness, makeHarness, PASSWORD } from './harness.ts';

describe('policy: require MFA for non-SSO users', () => {
  let h: Harness;
  let admin: Client;
  beforeEach(async () => {
    h = await makeHarness();
    await h.user('admin@demo.test', { role: 'admin' });
    await h.user('bob@demo.test');
    await h.user('erin@demo.test', { authType: 'saml' });
    admin = await h.signIn('admin@demo.test');
  });

  const setPolicy = (on: boolean, client = admin) =>
    client.put('/api/admin/policy', { requireMfaForNonSsoUsers: on });

  it('is off by default and can be read and changed by an admin', async () => {
    expect(await (await admin.get('/api/admin/policy')).json()).toEqual({
      requireMfaForNonSsoUsers: false,
    });
    const res = await setPolicy(true);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ requireMfaForNonSsoUsers: true, adminMustSetUp: true });
    expect(await (await admin.get('/api/admin/policy')).json()).toEqual({
      requireMfaForNonSsoUsers: true,
    });
  });

  it('counts whom turning it on affects: password users without MFA, not SSO users or enrolled ones', async () => {
    await h.user('carl@demo.test');
    await h.enableMfa(await h.signIn('carl@demo.test'));
    const res = await admin.get('/api/admin/policy/impact');
    expect(res.status).toBe(200);
    // admin and bob: no MFA, password; carl has MFA; erin is SSO.
    expect(await res.json()).toEqual({ usersWithoutMfa: 2, capped: false });
    const bob = await h.signIn('bob@demo.test');
    expect((await bob.get('/api/admin/policy/impact')).status).toBe(403);
  });

  it('ends the sessions of users it now affects but keeps the acting admin signed in', async () => {
    const bob = await h.signIn('bob@demo.test');
    const adminElsewhere = await h.signIn('admin@demo.test');
    const erin = await h.ssoClient((await h.store.getUserByUsername('erin@demo.test'))!);
    await setPolicy(true);
    expect((await bob.get('/api/me')).status).toBe(401);
    expect((await adminElsewhere.get('/api/me')).status).toBe(401);
    expect((await admin.get('/api/me')).status).toBe(200);
    expect((await erin.get('/api/me')).status).toBe(200);
  });

  it('keeps the sessions of users who already have MFA', async () => {
    const carol = await h.user('carol@client.test', { kind: 'contact' });
    const client = await h.signIn(carol.username);
    await h.enableMfa(client);
    await setPolicy(true);
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('makes a password login without MFA finish the set-up before entering', async () => {
    await setPolicy(true);
    const client = h.client();
    const res = await client.post('/api/login', { username: 'bob@demo.test', password: PASSWORD });
    const { status, challengeId } = (await res.json()) as { status: string; challengeId: string };
    expect(status).toBe('mfa_setup_required');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('mfa_session='))).toBe(false);
    expect((await client.get('/api/me')).status).toBe(401);
    // The set-up challenge is not a code challenge.
    expect((await client.post('/api/login/mfa', { challengeId, code: '123456' })).status).toBe(410);

    const setup = await client.post('/api/login/mfa/setup', { challengeId });
    expect(setup.status).toBe(200);
    expect(setup.headers.get('cache-control')).toBe('no-store');
    const account = parseKeyUri(((await setup.json()) as { otpauthUri: string }).otpauthUri);
    const wrong = await client.post('/api/login/mfa/setup/verify', { challengeId, code: '000000' });
    expect(wrong.status).toBe(401);
    const done = await client.post('/api/login/mfa/setup/verify', {
      challengeId,
      code: h.code(account),
    });
    expect(done.status).toBe(200);
    const body = (await done.json()) as {
      status: string;
      recoveryCodes: string[];
      user: { mfa: { enabled: boolean } };
    };
    expect(body.status).toBe('authenticated');
    expect(body.recoveryCodes).toHaveLength(10);
    expect(body.user.mfa.enabled).toBe(true);
    expect((await client.get('/api/me')).status).toBe(200);
    // The challenge ended at its success.
    expect((await client.post('/api/login/mfa/setup', { challengeId })).status).toBe(410);
    // The next login asks for the code.
    h.advance(30_000);
    const next = await h
      .client()
      .post('/api/login', { username: 'bob@demo.test', password: PASSWORD });
    expect(((await next.json()) as { status: string }).status).toBe('mfa_required');
  });

  it('forbids disabling MFA while the policy requires it', async () => {
    const bob = await h.signIn('bob@demo.test');
    const { account } = await h.enableMfa(bob);
    await setPolicy(true);
    const res = await bob.post('/api/me/mfa/disable', { code: h.code(account) });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('POLICY_REQUIRES_MFA');
    expect((await (await bob.get('/api/me')).json()) as object).toMatchObject({
      user: { mfa: { enabled: true } },
    });
  });

  it('lets a user disable MFA with a current code when the policy allows; other sessions end', async () => {
    const bob = await h.signIn('bob@demo.test');
    const { account } = await h.enableMfa(bob);
    const other = await h.signIn('bob@demo.test', account);
    h.advance(30_000);
    const wrong = await bob.post('/api/me/mfa/disable', { code: '000000' });
    expect(wrong.status).toBe(401);
    const res = await bob.post('/api/me/mfa/disable', { code: h.code(account) });
    expect(res.status).toBe(204);
    expect((await other.get('/api/me')).status).toBe(401);
    expect(await (await bob.get('/api/me')).json()).toMatchObject({
      user: { mfa: { enabled: false } },
    });
    const next = await h
      .client()
      .post('/api/login', { username: 'bob@demo.test', password: PASSWORD });
    expect(((await next.json()) as { status: string }).status).toBe('authenticated');
  });

  it('refuses policy changes by non-admins and without a session', async () => {
    const bob = await h.signIn('bob@demo.test');
    const res = await setPolicy(true, bob);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('FORBIDDEN');
    const anon = await setPolicy(true, h.client());
    expect(anon.status).toBe(401);
    expect(await errorCode(anon)).toBe('UNAUTHENTICATED');
    expect(await (await admin.get('/api/admin/policy')).json()).toEqual({
      requireMfaForNonSsoUsers: false,
    });
  });
});
