import { describe, expect, it } from 'vitest';
import { errorCode, makeHarness, PASSWORD } from './harness.ts';

interface Events {
  events: { at: string; actor: string; action: string; target: string | null; ip: string }[];
  nextCursor: number | null;
}

describe('audit log', () => {
  it('records who did what to whom, when and from where, newest first', async () => {
    const h = await makeHarness();
    await h.user('admin@demo.test', { role: 'admin' });
    const bob = await h.user('bob@demo.test');
    const carol = await h.user('carol@client.test', { kind: 'contact' });
    const admin = await h.signIn('admin@demo.test', undefined, '198.51.100.1');

    await h
      .client('198.51.100.2')
      .post('/api/login', { username: 'bob@demo.test', password: 'wrong' });
    const bobClient = await h.signIn('bob@demo.test', undefined, '198.51.100.3');
    const { account, recoveryCodes } = await h.enableMfa(bobClient);
    const rc = h.client('198.51.100.4');
    const { challengeId } = (await (
      await rc.post('/api/login', { username: 'bob@demo.test', password: PASSWORD })
    ).json()) as { challengeId: string };
    await rc.post('/api/login/mfa', { challengeId, code: '000000' });
    await rc.post('/api/login/mfa', { challengeId, code: recoveryCodes[0] });
    await rc.post('/api/me/mfa/recovery-codes', { code: h.code(account) });
    await admin.put('/api/admin/policy', { requireMfaForNonSsoUsers: true });
    await admin.put('/api/admin/policy', { requireMfaForNonSsoUsers: false });
    await admin.post(`/api/admin/users/${bob.id}/mfa/reset`);
    await h.enableMfa(await h.signIn('carol@client.test'));
    await admin.post('/api/admin/users/mfa/disable', { userIds: [carol.id] });

    const res = await admin.get('/api/admin/audit?limit=200');
    expect(res.status).toBe(200);
    const { events } = (await res.json()) as Events;
    const seen = events.map((e) => `${e.action} ${e.actor} -> ${e.target} @${e.ip}`).reverse();
    expect(seen).toEqual(
      expect.arrayContaining([
        'login.succeeded admin@demo.test -> admin@demo.test @198.51.100.1',
        'login.failed bob@demo.test -> bob@demo.test @198.51.100.2',
        'mfa.enabled bob@demo.test -> bob@demo.test @198.51.100.3',
        'mfa.failed bob@demo.test -> bob@demo.test @198.51.100.4',
        'mfa.recovery_code_used bob@demo.test -> bob@demo.test @198.51.100.4',
        'mfa.recovery_codes_regenerated bob@demo.test -> bob@demo.test @198.51.100.4',
        'policy.changed admin@demo.test -> requireMfaForNonSsoUsers=true @198.51.100.1',
        'policy.changed admin@demo.test -> requireMfaForNonSsoUsers=false @198.51.100.1',
        'mfa.reset admin@demo.test -> bob@demo.test @198.51.100.1',
        'batch.mfa_disabled admin@demo.test -> carol@client.test @198.51.100.1',
      ]),
    );
    const order = events.map((e) => Date.parse(e.at));
    expect([...order].sort((a, b) => b - a)).toEqual(order);
    expect(events[0]?.action).toBe('batch.mfa_disabled');
    expect(new Date(events[0]!.at).getTime()).toBe(h.now());
  });

  it('records lockouts and disables', async () => {
    const h = await makeHarness();
    await h.user('admin@demo.test', { role: 'admin' });
    await h.user('bob@demo.test');
    const admin = await h.signIn('admin@demo.test');
    const bob = await h.signIn('bob@demo.test');
    const { account } = await h.enableMfa(bob);
    await bob.post('/api/me/mfa/disable', { code: h.code(account) });
    for (let i = 0; i < 10; i++)
      await h
        .client('192.0.2.7')
        .post('/api/login', { username: 'bob@demo.test', password: 'nope' });
    const { events } = (await (await admin.get('/api/admin/audit')).json()) as Events;
    const actions = events.map((e) => e.action);
    expect(actions).toContain('mfa.disabled');
    expect(actions).toContain('login.locked');
  });

  it('pages with limit and cursor (default 50)', async () => {
    const h = await makeHarness();
    await h.user('admin@demo.test', { role: 'admin' });
    for (let i = 0; i < 60; i++)
      await h.client().post('/api/login', { username: 'nobody@demo.test', password: 'x' });
    const admin = await h.signIn('admin@demo.test');
    const first = (await (await admin.get('/api/admin/audit')).json()) as Events;
    expect(first.events).toHaveLength(50);
    const second = (await (
      await admin.get(`/api/admin/audit?cursor=${first.nextCursor}`)
    ).json()) as Events;
    expect(second.events).toHaveLength(11);
    expect(second.nextCursor).toBeNull();
    expect(first.events[0]?.action).toBe('login.succeeded');
    const bad = await admin.get('/api/admin/audit?limit=-5');
    expect(await errorCode(bad)).toBe('VALIDATION_FAILED');
  });

  it('filters by actor, action and a time range, and pages within the filter', async () => {
    const h = await makeHarness();
    await h.user('admin@demo.test', { role: 'admin' });
    await h.user('bob@demo.test');
    const start = h.now();
    for (let i = 0; i < 3; i++) {
      await h.client().post('/api/login', { username: 'bob@demo.test', password: 'wrong' });
      h.advance(60_000);
    }
    const middle = h.now();
    await h.client().post('/api/login', { username: 'nobody@demo.test', password: 'x' });
    h.advance(60_000);
    const admin = await h.signIn('admin@demo.test');
    const get = async (query: string) =>
      (await (await admin.get(`/api/admin/audit?${query}`)).json()) as Events;
    const bob = await get('actor=bob@demo.test');
    expect(bob.events.map((e) => e.action)).toEqual(Array(3).fill('login.failed'));
    const failed = await get('action=login.failed&limit=2');
    expect(failed.events.map((e) => e.actor)).toEqual(['anonymous', 'bob@demo.test']);
    const rest = await get(`action=login.failed&limit=2&cursor=${failed.nextCursor}`);
    expect(rest.events.map((e) => e.actor)).toEqual(['bob@demo.test', 'bob@demo.test']);
    expect(rest.nextCursor).toBeNull();
    const from = new Date(start + 60_000).toISOString();
    const to = new Date(middle).toISOString();
    const window = await get(`from=${from}&to=${to}`);
    expect(window.events.map((e) => e.at)).toEqual([
      new Date(start + 120_000).toISOString(),
      new Date(start + 60_000).toISOString(),
    ]);
    expect(await errorCode(await admin.get('/api/admin/audit?from=yesterday'))).toBe(
      'VALIDATION_FAILED',
    );
  });
});
