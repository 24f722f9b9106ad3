import { beforeEach, describe, expect, it } from 'vitest';
import { parseKeyUri } from '../../sdk/otp/index.ts';
import { errorCode, type Harness, makeHarness } from './harness.ts';

describe('enrolment from the profile (My Profile > Enable MFA)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
    await h.user('alice@demo.test');
  });

  it('returns a new 20-byte secret with its key URI and QR, never cached', async () => {
    const client = await h.signIn('alice@demo.test');
    const res = await client.post('/api/me/mfa/setup');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const key = (await res.json()) as {
      secret: string;
      otpauthUri: string;
      qrSvg: string;
      expiresAt: string;
    };
    expect(key.secret).toMatch(/^[A-Z2-7]{32}$/);
    const account = parseKeyUri(key.otpauthUri);
    expect(account).toMatchObject({
      secret: key.secret,
      label: 'alice@demo.test',
      issuer: 'Demo Company', // the company (the demo's by default), not the product
      digits: 6,
      period: 30,
    });
    expect(key.qrSvg).toMatch(/^<svg/);
    expect(Date.parse(key.expiresAt)).toBe(h.now() + 10 * 60_000);
    const again = (await (await client.post('/api/me/mfa/setup')).json()) as { secret: string };
    expect(again.secret).not.toBe(key.secret);
  });

  it('enables MFA with a correct first code and shows 10 recovery codes once', async () => {
    const client = await h.signIn('alice@demo.test');
    const before = (await (await client.get('/api/me')).json()) as { user: { mfa: unknown } };
    expect(before.user.mfa).toEqual({ enabled: false, enrolledAt: null, recoveryCodesLeft: 0 });
    const { recoveryCodes } = await h.enableMfa(client);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const me = (await (await client.get('/api/me')).json()) as { user: Record<string, unknown> };
    expect(me.user).toMatchObject({
      username: 'alice@demo.test',
      kind: 'employee',
      role: 'user',
      authType: 'password',
      mfa: {
        enabled: true,
        enrolledAt: new Date(h.now() - 30_000).toISOString(),
        recoveryCodesLeft: 10,
      },
    });
    expect(JSON.stringify(me)).not.toMatch(/secret/i);
  });

  it('refuses a wrong first code and keeps the set-up pending', async () => {
    const client = await h.signIn('alice@demo.test');
    const key = (await (await client.post('/api/me/mfa/setup')).json()) as { otpauthUri: string };
    const account = parseKeyUri(key.otpauthUri);
    const wrong = String((Number(h.code(account)) + 1) % 1_000_000).padStart(6, '0');
    const res = await client.post('/api/me/mfa/enable', { code: wrong });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('INVALID_CODE');
    expect((await client.post('/api/me/mfa/enable', { code: h.code(account) })).status).toBe(200);
  });

  it('expires a pending set-up after 10 minutes', async () => {
    const client = await h.signIn('alice@demo.test');
    const key = (await (await client.post('/api/me/mfa/setup')).json()) as { otpauthUri: string };
    h.advance(10 * 60_000);
    await client.get('/api/me'); // keep the session alive (idle timeout is 30 min)
    const res = await client.post('/api/me/mfa/enable', {
      code: h.code(parseKeyUri(key.otpauthUri)),
    });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('ENROLMENT_NOT_STARTED');
  });

  it('answers enable without a set-up with ENROLMENT_NOT_STARTED', async () => {
    const client = await h.signIn('alice@demo.test');
    const res = await client.post('/api/me/mfa/enable', { code: '123456' });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('ENROLMENT_NOT_STARTED');
  });

  it('refuses a second set-up while MFA is enabled (one factor per user)', async () => {
    const client = await h.signIn('alice@demo.test');
    await h.enableMfa(client);
    const res = await client.post('/api/me/mfa/setup');
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('MFA_ALREADY_ENABLED');
  });

  it("ends the user's other sessions on enable but keeps the current one", async () => {
    const phone = await h.signIn('alice@demo.test');
    const laptop = await h.signIn('alice@demo.test');
    await h.enableMfa(laptop);
    expect((await laptop.get('/api/me')).status).toBe(200);
    const other = await phone.get('/api/me');
    expect(other.status).toBe(401);
    expect(await errorCode(other)).toBe('UNAUTHENTICATED');
  });

  it('lets an SSO user enable MFA once in the profile', async () => {
    const erin = await h.user('erin@demo.test', { authType: 'saml' });
    const client = await h.ssoClient(erin);
    const { recoveryCodes } = await h.enableMfa(client);
    expect(recoveryCodes).toHaveLength(10);
  });
});
