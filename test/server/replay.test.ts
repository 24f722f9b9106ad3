import { beforeEach, describe, expect, it } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import { type Client, errorCode, type Harness, makeHarness, PASSWORD } from './harness.ts';
import { harnessWithMfaUser, startChallenge, submitCode } from './login-steps.ts';

describe('replay guard', () => {
  let h: Harness;
  let account: OtpAccount;
  beforeEach(async () => {
    ({ h, account } = await harnessWithMfaUser('alice@demo.test'));
  });

  const challenge = (client: Client) => startChallenge(client, 'alice@demo.test');
  const submit = (client: Client, code: string) => submitCode(client, 'alice@demo.test', code);

  it('refuses a code that was already accepted', async () => {
    const code = h.code(account);
    const first = h.client();
    expect((await submit(first, code)).status).toBe(200);
    const second = h.client();
    const res = await submit(second, code);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'CODE_ALREADY_USED',
        message: 'This code was already used: wait for the next one.',
      },
    });
  });

  it('refuses an earlier step once a later one was accepted', async () => {
    const earlier = h.code(account, -1);
    const client = h.client();
    expect((await submit(client, h.code(account))).status).toBe(200);
    const late = h.client();
    expect((await submit(late, earlier)).status).toBe(401);
  });

  it('gives exactly one success to 20 concurrent submissions on different challenges', async () => {
    const clients = Array.from({ length: 20 }, () => h.client());
    const ids: string[] = [];
    for (const client of clients) ids.push(await challenge(client));
    const code = h.code(account);
    const results = await Promise.all(
      clients.map((c, i) => c.post('/api/login/mfa', { challengeId: ids[i], code })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    // The others are replays, answered as such, and none of them counts toward the lock.
    const codes = await Promise.all(results.filter((r) => r.status !== 200).map(errorCode));
    expect(codes).toEqual(Array(19).fill('CODE_ALREADY_USED'));
  });

  it('never locks the real user out with replays: 30 sends of one valid code, then a new code works', async () => {
    const clients = Array.from({ length: 30 }, () => h.client());
    const ids: string[] = [];
    for (const client of clients) ids.push(await challenge(client));
    const code = h.code(account);
    const results = await Promise.all(
      clients.map((c, i) => c.post('/api/login/mfa', { challengeId: ids[i], code })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 429)).toHaveLength(0);
    h.advance(30_000);
    expect((await submit(h.client(), h.code(account))).status).toBe(200);
    const actions = (await h.store.listAudit({ limit: 200 })).events.map((e) => e.action);
    expect(actions.filter((a) => a === 'mfa.locked')).toHaveLength(0);
    expect(actions.filter((a) => a === 'mfa.replayed')).toHaveLength(29);
  });

  it('does not lock on replays at the profile routes either: 1 right code and 9 replays', async () => {
    const signedIn = await h.signIn('alice@demo.test', account);
    h.advance(30_000);
    const code = h.code(account);
    const first = await signedIn.post('/api/me/mfa/recovery-codes', { code });
    expect(first.status).toBe(200);
    for (let i = 0; i < 9; i++) {
      const again = await signedIn.post('/api/me/mfa/recovery-codes', { code });
      expect([again.status, await errorCode(again)]).toEqual([401, 'CODE_ALREADY_USED']);
    }
    h.advance(30_000);
    const next = await signedIn.post('/api/me/mfa/recovery-codes', { code: h.code(account) });
    expect(next.status).toBe(200);
  });

  it('gives exactly one success to 20 concurrent submissions on one challenge', async () => {
    const client = h.client();
    const challengeId = await challenge(client);
    const code = h.code(account);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => client.post('/api/login/mfa', { challengeId, code })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('ends a challenge at its first success: a second valid code on it gets 410 and is not used up', async () => {
    const client = h.client();
    const challengeId = await challenge(client);
    const now = h.code(account);
    const next = h.code(account, 1);
    // Sent together; this harness serves them in order, so `now` wins the challenge.
    const [first, second] = await Promise.all([
      client.post('/api/login/mfa', { challengeId, code: now }),
      client.post('/api/login/mfa', { challengeId, code: next }),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(410);
    expect(await errorCode(second)).toBe('CHALLENGE_EXPIRED');
    // All or nothing: the refused request did not advance the step, so its code still works once.
    const other = h.client();
    const res = await submit(other, next);
    expect(res.status).toBe(200);
  });

  it('refuses the enabling code at the next login (its step is used)', async () => {
    const h2 = await makeHarness();
    await h2.user('bob@demo.test');
    const client = await h2.signIn('bob@demo.test');
    const setup = (await (await client.post('/api/me/mfa/setup')).json()) as { otpauthUri: string };
    const { parseKeyUri } = await import('../../sdk/otp/index.ts');
    const acc = parseKeyUri(setup.otpauthUri);
    const code = h2.code(acc);
    expect((await client.post('/api/me/mfa/enable', { code })).status).toBe(200);
    const other = h2.client();
    const res = await other.post('/api/login', { username: 'bob@demo.test', password: PASSWORD });
    const { challengeId } = (await res.json()) as { challengeId: string };
    expect((await other.post('/api/login/mfa', { challengeId, code })).status).toBe(401);
  });
});
