import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, errorCode, type Harness, makeHarness } from './harness.ts';

interface Listed {
  users: {
    id: number;
    username: string;
    name: string;
    kind: string;
    authType: string;
    mfaEnabled: boolean;
  }[];
  nextCursor: number | null;
}

describe('employee and contact listings with the MFA column', () => {
  let h: Harness;
  let admin: Client;
  beforeAll(async () => {
    h = await makeHarness();
    await h.user('admin@demo.test', { role: 'admin', name: 'Ada Admin' });
    await h.user('alice@demo.test', { name: 'Alice Employee' });
    await h.user('bob@demo.test', { name: 'Bob Employee' });
    await h.user('carol@client.test', { kind: 'contact', name: 'Carol Contact' });
    await h.user('dave@client.test', { kind: 'contact', name: 'Dave Contact' });
    await h.user('erin@demo.test', { authType: 'saml', name: 'Erin SSO' });
    admin = await h.signIn('admin@demo.test');
    await h.enableMfa(await h.signIn('alice@demo.test'));
    await h.enableMfa(await h.signIn('carol@client.test'));
  });

  const list = async (query = '') =>
    (await (await admin.get(`/api/admin/users${query}`)).json()) as Listed;

  it('lists everyone with kind, authentication type and MFA state', async () => {
    const { users, nextCursor } = await list();
    expect(nextCursor).toBeNull();
    expect(users.map((u) => [u.username, u.kind, u.authType, u.mfaEnabled])).toEqual([
      ['admin@demo.test', 'employee', 'password', false],
      ['alice@demo.test', 'employee', 'password', true],
      ['bob@demo.test', 'employee', 'password', false],
      ['carol@client.test', 'contact', 'password', true],
      ['dave@client.test', 'contact', 'password', false],
      ['erin@demo.test', 'employee', 'saml', false],
    ]);
    expect(JSON.stringify(users)).not.toMatch(/password_?hash|argon2/i);
  });

  it('filters by kind and MFA state', async () => {
    expect((await list('?kind=contact')).users.map((u) => u.username)).toEqual([
      'carol@client.test',
      'dave@client.test',
    ]);
    expect((await list('?kind=employee&mfa=enabled')).users.map((u) => u.username)).toEqual([
      'alice@demo.test',
    ]);
    expect((await list('?mfa=disabled')).users).toHaveLength(4);
  });

  it('searches username and name, case-insensitively', async () => {
    expect((await list('?q=CONTACT')).users).toHaveLength(2);
    expect((await list('?q=erin')).users.map((u) => u.name)).toEqual(['Erin SSO']);
    expect((await list('?q=%25')).users).toHaveLength(0);
  });

  it('pages with limit and cursor', async () => {
    const first = await list('?limit=4');
    expect(first.users).toHaveLength(4);
    const second = await list(`?limit=4&cursor=${first.nextCursor}`);
    expect(second.users.map((u) => u.username)).toEqual(['dave@client.test', 'erin@demo.test']);
    expect(second.nextCursor).toBeNull();
  });

  it.each(['?kind=robot', '?mfa=maybe', '?limit=0', '?limit=201', '?limit=abc', '?cursor=-1'])(
    'refuses %s with 400',
    async (query) => {
      const res = await admin.get(`/api/admin/users${query}`);
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe('VALIDATION_FAILED');
    },
  );

  it('counts what a listing matches, with its filters', async () => {
    const count = async (query: string) =>
      (await admin.get(`/api/admin/users/count${query}`)).json();
    expect(await count('')).toEqual({ count: 6, capped: false });
    expect(await count('?kind=contact&mfa=enabled')).toEqual({ count: 1, capped: false });
    expect(await count('?q=EMPLOYEE')).toEqual({ count: 2, capped: false });
    expect(await count('?q=bo')).toEqual({ count: null, capped: false });
    const bad = await admin.get('/api/admin/users/count?kind=robot');
    expect(bad.status).toBe(400);
    const alice = await h.signIn('bob@demo.test');
    expect((await alice.get('/api/admin/users/count')).status).toBe(403);
  });

  it('is for admins only', async () => {
    const bob = await h.signIn('bob@demo.test');
    expect((await bob.get('/api/admin/users')).status).toBe(403);
    expect((await h.client().get('/api/admin/users')).status).toBe(401);
  });
});
