import { beforeEach, describe, expect, it } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import { type Client, errorCode, type Harness, makeHarness, PASSWORD } from './harness.ts';

describe('admin reset (HR > Employees, CRM > Contacts)', () => {
  let h: Harness;
  let admin: Client;
  let bobId: number;
  let account: OtpAccount;
  beforeEach(async () => {
    h = await makeHarness();
    await h.user('admin@demo.test', { role: 'admin' });
    bobId = (await h.user('bob@demo.test')).id;
    admin = await h.signIn('admin@demo.test');
    ({ account } = await h.enableMfa(await h.signIn('bob@demo.test')));
  });

  it('removes the factor, ends the sessions and forces a set-up at the next login, whatever the policy', async () => {
    const bob = await h.signIn('bob@demo.test', account);
    const res = await admin.post(`/api/admin/users/${bobId}/mfa/reset`);
    expect(res.status).toBe(204);
    expect((await bob.get('/api/me')).status).toBe(401);
    const login = await h
      .client()
      .post('/api/login', { username: 'bob@demo.test', password: PASSWORD });
    expect(((await login.json()) as { status: string }).status).toBe('mfa_setup_required');
    const list = (await (await admin.get('/api/admin/users?q=bob')).json()) as {
      users: { mfaEnabled: boolean }[];
    };
    expect(list.users[0]?.mfaEnabled).toBe(false);
  });

  it('keeps asking for the set-up until it is done', async () => {
    await admin.post(`/api/admin/users/${bobId}/mfa/reset`);
    for (let i = 0; i < 2; i++) {
      const login = await h
        .client()
        .post('/api/login', { username: 'bob@demo.test', password: PASSWORD });
      expect(((await login.json()) as { status: string }).status).toBe('mfa_setup_required');
    }
  });

  it('answers 404 for an unknown user and 400 for a malformed id', async () => {
    const res = await admin.post('/api/admin/users/99999/mfa/reset');
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('USER_NOT_FOUND');
    const bad = await admin.post('/api/admin/users/abc/mfa/reset');
    expect(bad.status).toBe(400);
  });

  it('is for admins only', async () => {
    const bob = await h.signIn('bob@demo.test', account);
    const res = await bob.post(`/api/admin/users/${bobId}/mfa/reset`);
    expect(res.status).toBe(403);
    expect(await (await bob.get('/api/me')).json()).toMatchObject({
      user: { mfa: { enabled: true } },
    });
  });
});
