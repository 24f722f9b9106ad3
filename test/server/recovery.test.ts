import { beforeEach, describe, expect, it } from 'vitest';
import type { OtpAccount } from '../../sdk/otp/index.ts';
import type { Harness } from './harness.ts';
import { harnessWithMfaUser, startChallenge, submitCode } from './login-steps.ts';

describe('recovery codes', () => {
  let h: Harness;
  let account: OtpAccount;
  let codes: string[];
  beforeEach(async () => {
    ({ h, account, recoveryCodes: codes } = await harnessWithMfaUser('alice@demo.test'));
  });

  const loginWith = (code: string) => submitCode(h.client(), 'alice@demo.test', code);

  it('logs in once with a recovery code typed in the code field; a spent one has its own code and audit action', async () => {
    const res = await loginWith(codes[0]!);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      usedRecoveryCode: true,
      user: { mfa: { recoveryCodesLeft: 9 } },
    });
    const again = await loginWith(codes[0]!);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({
      error: {
        code: 'RECOVERY_CODE_ALREADY_USED',
        message: 'This recovery code was already used.',
      },
    });
    const actions = (await h.store.listAudit({ limit: 50 })).events.map((e) => e.action);
    expect(actions).toContain('mfa.recovery_code_reused');
    expect(actions).not.toContain('mfa.replayed');
    expect(actions).not.toContain('mfa.failed');
  });

  it.each([
    ['lower case', (c: string) => c.toLowerCase()],
    ['without separators', (c: string) => c.replace(/-/g, '')],
    ['with spaces', (c: string) => c.replace(/-/g, ' ')],
  ])('accepts a code %s', async (_, transform) => {
    expect((await loginWith(transform(codes[1]!))).status).toBe(200);
  });

  it('gives one success to 20 concurrent uses of one recovery code on one challenge', async () => {
    const client = h.client();
    const challengeId = await startChallenge(client, 'alice@demo.test');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.post('/api/login/mfa', { challengeId, code: codes[2] }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('spends a recovery code only on a login it completes, even racing a TOTP code on its challenge', async () => {
    for (let run = 0; run < 5; run++) {
      h.advance(30_000); // a fresh time step for each run's TOTP code
      const client = h.client();
      const challengeId = await startChallenge(client, 'alice@demo.test');
      const [byRecovery, byTotp] = await Promise.all([
        client.post('/api/login/mfa', { challengeId, code: codes[3] }),
        client.post('/api/login/mfa', { challengeId, code: h.code(account) }),
      ]);
      expect([byRecovery.status, byTotp.status].sort()).toEqual([200, 410]);
      const alice = (await h.store.getUserByUsername('alice@demo.test'))!;
      const left = (await h.store.getFactor(alice.id))?.recoveryCodesLeft;
      if (byRecovery.status === 200) {
        expect(left).toBe(9);
        return;
      }
      // The TOTP code won the challenge: the recovery code is still there to use.
      expect(left).toBe(10);
    }
  });

  it('regenerates with a current code: the old codes stop working, other sessions end', async () => {
    const other = await h.signIn('alice@demo.test', account);
    h.advance(30_000);
    const client = await h.signIn('alice@demo.test', account);
    h.advance(30_000);
    const res = await client.post('/api/me/mfa/recovery-codes', { code: h.code(account) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { recoveryCodes } = (await res.json()) as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(recoveryCodes).not.toContain(codes[3]);
    expect((await other.get('/api/me')).status).toBe(401);
    expect((await client.get('/api/me')).status).toBe(200);
    expect((await loginWith(codes[3]!)).status).toBe(401);
    expect((await loginWith(recoveryCodes[0]!)).status).toBe(200);
  });

  it('refuses a spent recovery code at the profile routes as spent, not as a guess', async () => {
    const client = await h.signIn('alice@demo.test', account);
    expect((await loginWith(codes[5]!)).status).toBe(200);
    // More tries than the lock's threshold: none is counted.
    for (let i = 0; i < 11; i++) {
      const res = await client.post('/api/me/mfa/recovery-codes', { code: codes[5] });
      expect([res.status, (await res.json()) as unknown]).toMatchObject([
        401,
        { error: { code: 'RECOVERY_CODE_ALREADY_USED' } },
      ]);
    }
    const actions = (await h.store.listAudit({ limit: 100 })).events.map((e) => e.action);
    expect(actions.filter((a) => a === 'mfa.recovery_code_reused')).toHaveLength(11);
    expect(actions).not.toContain('mfa.failed');
    h.advance(30_000);
    expect(
      (await client.post('/api/me/mfa/recovery-codes', { code: h.code(account) })).status,
    ).toBe(200);
  });

  it('refuses regeneration without a valid current code', async () => {
    const client = await h.signIn('alice@demo.test', account);
    const res = await client.post('/api/me/mfa/recovery-codes', { code: '000000' });
    expect(res.status).toBe(401);
    expect((await loginWith(codes[4]!)).status).toBe(200);
  });
});
