/**
 * The BMS rules for SSO users, through the API with real SAML sign-ins; run on SQLite
 * (sso-rules.test.ts) and PostgreSQL (sso-rules-postgres.test.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../server/store/contract.ts';
import { type Client, errorCode, type Harness, makeHarness, PASSWORD } from './harness.ts';
import { configureIdp, ssoSignIn } from './saml-steps.ts';

const ERIN = 'erin@demo.test';

export function ssoRules(name: string, freshStore: () => Promise<Store>): void {
  describe(`BMS rules for SSO users (${name})`, () => {
    let h: Harness;
    let admin: Client;
    beforeEach(async () => {
      h = await makeHarness({ store: await freshStore() });
      await h.user('admin@demo.test', { role: 'admin' });
      await h.user('bob@demo.test');
      await h.user(ERIN, { authType: 'saml', name: 'Erin SSO' });
      await configureIdp(h.store, h.now());
      admin = await h.signIn('admin@demo.test');
    });

    const policy = (on: boolean) =>
      admin.put('/api/admin/policy', { requireMfaForNonSsoUsers: on });
    const signInErin = async () => {
      const client = h.client();
      const res = await ssoSignIn(client, ERIN, h.now());
      expect(res.status).toBe(303);
      return client;
    };
    const me = async (client: Client) =>
      ((await (await client.get('/api/me')).json()) as { user: { mfa: { enabled: boolean } } })
        .user;
    const listed = async () => {
      const res = await admin.get(`/api/admin/users?q=erin`);
      return ((await res.json()) as { users: { username: string }[] }).users.find(
        (u) => u.username === ERIN,
      );
    };

    it('with the policy on, signs an SSO user in without a code, and turning it on keeps their session', async () => {
      const before = await signInErin();
      expect((await policy(true)).status).toBe(200);
      expect((await before.get('/api/me')).status).toBe(200);
      const erin = await signInErin();
      expect((await me(erin)).mfa.enabled).toBe(false);
      // A password user under the same policy is asked to set MFA up.
      const bob = await h
        .client()
        .post('/api/login', { username: 'bob@demo.test', password: PASSWORD });
      expect(((await bob.json()) as { status: string }).status).toBe('mfa_setup_required');
    });

    it('lets an SSO user enable MFA once from My Profile; later SSO sign-ins ask no code; the listing says SAML SSO and MFA Enabled', async () => {
      await policy(true);
      const erin = await signInErin();
      const other = await signInErin();
      await h.enableMfa(erin);
      expect((await me(erin)).mfa.enabled).toBe(true);
      // Enabling MFA is a change of authentication type: the other SSO session ended.
      expect((await other.get('/api/me')).status).toBe(401);
      const again = await signInErin();
      expect((await me(again)).mfa.enabled).toBe(true);
      expect(await listed()).toMatchObject({ authType: 'saml', mfaEnabled: true });
      // Once: a second set-up is refused while it is on.
      expect(await errorCode(await again.post('/api/me/mfa/setup'))).toBe('MFA_ALREADY_ENABLED');
    });

    it('tells a password attempt on an SSO account to use SSO, but a password account and an unknown name alike', async () => {
      const erin = await h.client().post('/api/login', { username: ERIN, password: PASSWORD });
      expect(erin.status).toBe(401);
      const body = (await erin.json()) as { error: { code: string; message: string } };
      expect(body.error).toEqual({
        code: 'SSO_REQUIRED',
        message: 'This account signs in with SSO: use “Sign in with SSO”.',
      });
      const wrong = await h
        .client()
        .post('/api/login', { username: 'bob@demo.test', password: 'nope-nope' });
      const unknown = await h
        .client()
        .post('/api/login', { username: 'nobody@demo.test', password: 'nope-nope' });
      expect(await wrong.json()).toEqual(await unknown.json());
      expect(wrong.status).toBe(unknown.status);
    });

    it('requires MFA on the password path of an SSO user who was also given a password', async () => {
      const user = (await h.store.getUserByUsername(ERIN))!;
      await h.store.setPasswordHash(
        user.id,
        (await h.store.getUserByUsername('bob@demo.test'))!.passwordHash,
      );
      await policy(true);
      const first = await h.client().post('/api/login', { username: ERIN, password: PASSWORD });
      expect(((await first.json()) as { status: string }).status).toBe('mfa_setup_required');
      const { account } = await h.enableMfa(await signInErin());
      const second = await h.client().post('/api/login', { username: ERIN, password: PASSWORD });
      expect(((await second.json()) as { status: string }).status).toBe('mfa_required');
      // SSO still asks no code.
      expect((await me(await signInErin())).mfa.enabled).toBe(true);
      expect(account).toBeDefined();
    });

    it('lets an SSO user disable their own MFA under the policy (it binds password users only)', async () => {
      await policy(true);
      const erin = await signInErin();
      const { account } = await h.enableMfa(erin);
      const res = await erin.post('/api/me/mfa/disable', { code: h.code(account) });
      expect(res.status).toBe(204);
      expect((await me(erin)).mfa.enabled).toBe(false);
    });

    it("removes an SSO user's MFA on an admin reset without a set-up that SSO would never ask, and ends their sessions", async () => {
      const erin = await signInErin();
      await h.enableMfa(erin);
      const id = (await h.store.getUserByUsername(ERIN))!.id;
      expect((await admin.post(`/api/admin/users/${id}/mfa/reset`)).status).toBe(204);
      expect((await erin.get('/api/me')).status).toBe(401);
      expect((await h.store.getUserById(id))!.mustSetupMfa).toBe(false);
      expect(await listed()).toMatchObject({ authType: 'saml', mfaEnabled: false });
      expect((await me(await signInErin())).mfa.enabled).toBe(false);
    });
  });
}
