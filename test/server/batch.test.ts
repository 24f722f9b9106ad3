import { beforeEach, describe, expect, it } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import type { Store } from '../../server/store/contract.ts';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';
import { type Client, errorCode, type Harness, makeHarness, PASSWORD } from './harness.ts';

describe('batch disable (CRM > Contacts)', () => {
  let h: Harness;
  let admin: Client;
  const ids: Record<string, number> = {};
  const accounts: Record<string, OtpAccount> = {};
  beforeEach(async () => {
    h = await makeHarness();
    await h.user('admin@demo.test', { role: 'admin' });
    admin = await h.signIn('admin@demo.test');
    for (const name of ['carol@client.test', 'dave@client.test', 'frank@client.test']) {
      ids[name] = (await h.user(name, { kind: 'contact' })).id;
    }
    for (const name of ['carol@client.test', 'dave@client.test']) {
      accounts[name] = (await h.enableMfa(await h.signIn(name))).account;
    }
  });

  const disable = (userIds: unknown, client = admin) =>
    client.post('/api/admin/users/mfa/disable', { userIds });

  it('reports each item: disabled, or skipped with a reason; duplicates once', async () => {
    const carol = ids['carol@client.test']!;
    const dave = ids['dave@client.test']!;
    const frank = ids['frank@client.test']!;
    const res = await disable([carol, 424242, dave, carol, frank]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      disabled: [carol, dave],
      skipped: [
        { id: 424242, reason: 'USER_NOT_FOUND' },
        { id: frank, reason: 'MFA_NOT_ENABLED' },
      ],
    });
    const list = (await (await admin.get('/api/admin/users?kind=contact&mfa=enabled')).json()) as {
      users: unknown[];
    };
    expect(list.users).toEqual([]);
  });

  it('ends the sessions of the users concerned, and only theirs', async () => {
    const frank = await h.signIn('frank@client.test');
    const carol = await h.signIn('carol@client.test', accounts['carol@client.test']);
    await disable([ids['carol@client.test']]);
    expect((await carol.get('/api/me')).status).toBe(401);
    expect((await frank.get('/api/me')).status).toBe(200);
    expect((await admin.get('/api/me')).status).toBe(200);
  });

  it('with the policy on, makes the users set MFA up again at the next login', async () => {
    await admin.put('/api/admin/policy', { requireMfaForNonSsoUsers: true });
    await disable([ids['carol@client.test']]);
    const res = await h
      .client()
      .post('/api/login', { username: 'carol@client.test', password: PASSWORD });
    expect(((await res.json()) as { status: string }).status).toBe('mfa_setup_required');
  });

  it('with the policy off, lets the users in with the password alone', async () => {
    await disable([ids['carol@client.test']]);
    const res = await h
      .client()
      .post('/api/login', { username: 'carol@client.test', password: PASSWORD });
    expect(((await res.json()) as { status: string }).status).toBe('authenticated');
  });

  it.each([
    ['no ids', []],
    ['1001 ids', Array.from({ length: 1001 }, (_, i) => i + 1)],
    ['a string id', ['1']],
    ['a negative id', [-1]],
    ['not an array', 5],
  ])('refuses %s with 400 and changes nothing', async (_, userIds) => {
    const res = await disable(userIds);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('VALIDATION_FAILED');
    const list = (await (await admin.get('/api/admin/users?mfa=enabled')).json()) as {
      users: unknown[];
    };
    expect(list.users).toHaveLength(2);
  });

  it('accepts 1000 ids', async () => {
    const res = await disable(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { disabled: number[]; skipped: unknown[] };
    expect(body.disabled.length + body.skipped.length).toBe(1000);
  });

  it('is for admins only', async () => {
    const frank = await h.signIn('frank@client.test');
    expect((await disable([ids['carol@client.test']], frank)).status).toBe(403);
  });
});

describe('batch disable in chunks', () => {
  it('writes at most 100 users per transaction, and reports every id in order', async () => {
    const inner = openSqliteStore({ path: ':memory:' });
    const chunks: number[] = [];
    const store: Store = new Proxy(inner, {
      get(target, key) {
        if (key === 'disableFactorsForUsers') {
          return (ids: number[], opts: Parameters<Store['disableFactorsForUsers']>[1]) => {
            chunks.push(ids.length);
            return target.disableFactorsForUsers(ids, opts);
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const h = await makeHarness({ store });
    await h.user('admin@demo.test', { role: 'admin' });
    const admin = await h.signIn('admin@demo.test');
    const carol = (await h.user('carol@client.test', { kind: 'contact' })).id;
    await h.enableMfa(await h.signIn('carol@client.test'));
    const dave = (await h.user('dave@client.test', { kind: 'contact' })).id;
    await h.enableMfa(await h.signIn('dave@client.test'));
    const unknown = Array.from({ length: 228 }, (_, i) => 10_000 + i);
    const ids = [carol, ...unknown.slice(0, 150), dave, ...unknown.slice(150), carol];
    const res = await admin.post('/api/admin/users/mfa/disable', { userIds: ids });
    expect(res.status).toBe(200);
    expect(chunks).toEqual([100, 100, 30]);
    const body = (await res.json()) as { disabled: number[]; skipped: { id: number }[] };
    expect(body.disabled).toEqual([carol, dave]);
    expect(body.skipped.map((s) => s.id)).toEqual(unknown);
  });
});
