import { beforeEach, describe, expect, it } from 'vitest';
import { type OtpAccount, parseKeyUri } from '../../sdk/otp/index.ts';
import { type Client, errorCode, type Harness, PASSWORD } from './harness.ts';
import { harnessWithMfaUser, submitCode } from './login-steps.ts';

describe('replace my authenticator (lost phone)', () => {
  let h: Harness;
  let oldPhone: OtpAccount;
  let codes: string[];
  beforeEach(async () => {
    ({ h, account: oldPhone, recoveryCodes: codes } = await harnessWithMfaUser('alice@demo.test'));
  });

  const start = (client: Client, body: object) => client.post('/api/me/mfa/replace', body);
  const finish = (client: Client, body: object) => client.post('/api/me/mfa/replace/verify', body);

  it('with the password and a recovery code, gives a new key that replaces the old one only once verified', async () => {
    // Lost phone: signed in with a recovery code, with a second session elsewhere.
    const res = await submitCode(h.client(), 'alice@demo.test', codes[0]);
    expect(res.status).toBe(200);
    const client = h.client();
    expect((await submitCode(client, 'alice@demo.test', codes[1])).status).toBe(200);
    const other = h.client();
    expect((await submitCode(other, 'alice@demo.test', codes[2])).status).toBe(200);

    expect(await errorCode(await start(client, { password: 'not it', code: codes[3] }))).toBe(
      'INVALID_CREDENTIALS',
    );
    const begun = await start(client, { password: PASSWORD, code: codes[3] });
    expect(begun.status).toBe(200);
    expect(begun.headers.get('cache-control')).toBe('no-store');
    const key = (await begun.json()) as { otpauthUri: string; replacementToken: string };
    const newPhone = parseKeyUri(key.otpauthUri);
    expect(newPhone).toMatchObject({ label: 'alice@demo.test' });
    expect(newPhone.secret).not.toBe(oldPhone.secret);
    // The recovery code that proved it is spent.
    expect(await errorCode(await submitCode(h.client(), 'alice@demo.test', codes[3]))).toBe(
      'RECOVERY_CODE_ALREADY_USED',
    );

    // Until verified, the old key still signs in.
    h.advance(30_000);
    expect((await submitCode(h.client(), 'alice@demo.test', h.code(oldPhone))).status).toBe(200);
    h.advance(30_000);
    expect(
      await errorCode(
        await finish(client, { replacementToken: key.replacementToken, code: '000000' }),
      ),
    ).toBe('INVALID_CODE');
    const done = await finish(client, {
      replacementToken: key.replacementToken,
      code: h.code(newPhone),
    });
    expect(done.status).toBe(204);

    // Now only the new key works; other sessions ended, this one stays; the recovery codes stay.
    h.advance(30_000);
    expect(await errorCode(await submitCode(h.client(), 'alice@demo.test', h.code(oldPhone)))).toBe(
      'INVALID_CODE',
    );
    expect((await submitCode(h.client(), 'alice@demo.test', h.code(newPhone))).status).toBe(200);
    expect((await other.get('/api/me')).status).toBe(401);
    expect((await client.get('/api/me')).status).toBe(200);
    expect((await submitCode(h.client(), 'alice@demo.test', codes[4])).status).toBe(200);
    const actions = (await h.store.listAudit({ limit: 100 })).events.map((e) => e.action);
    expect(actions).toContain('mfa.replaced');

    // The same replacement cannot be applied again.
    h.advance(30_000);
    expect(
      await errorCode(
        await finish(client, { replacementToken: key.replacementToken, code: h.code(newPhone) }),
      ),
    ).toBe('ENROLMENT_NOT_STARTED');
  });

  it('accepts a current code as proof, and refuses a replacement after 10 minutes or of another user', async () => {
    const client = await h.signIn('alice@demo.test', oldPhone);
    h.advance(30_000);
    const key = (await (
      await start(client, { password: PASSWORD, code: h.code(oldPhone) })
    ).json()) as { otpauthUri: string; replacementToken: string };
    const newPhone = parseKeyUri(key.otpauthUri);

    await h.user('bob@demo.test');
    const bob = await h.signIn('bob@demo.test');
    const { account: bobPhone } = await h.enableMfa(bob);
    const bobAgain = await h.signIn('bob@demo.test', bobPhone);
    expect(
      await errorCode(
        await finish(bobAgain, { replacementToken: key.replacementToken, code: h.code(newPhone) }),
      ),
    ).toBe('ENROLMENT_NOT_STARTED');

    h.advance(10 * 60_000);
    expect(
      await errorCode(
        await finish(client, { replacementToken: key.replacementToken, code: h.code(newPhone) }),
      ),
    ).toBe('ENROLMENT_NOT_STARTED');
    // The old key was never replaced.
    expect((await submitCode(h.client(), 'alice@demo.test', h.code(oldPhone))).status).toBe(200);
  });

  it('needs MFA on, and a signed-in user', async () => {
    await h.user('carl@demo.test');
    const carl = await h.signIn('carl@demo.test');
    expect(await errorCode(await start(carl, { password: PASSWORD, code: '123456' }))).toBe(
      'MFA_NOT_ENABLED',
    );
    expect((await start(h.client(), { password: PASSWORD, code: '123456' })).status).toBe(401);
  });
});
