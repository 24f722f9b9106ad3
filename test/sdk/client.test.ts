import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMfaClient, MfaApiError, type MfaClient } from '../../sdk/client/index.ts';
import { createVirtualAuthenticator, type VirtualAuthenticator } from '../../sdk/testing/index.ts';
import { PASSWORD, startTestServer, type TestServer } from './support/test-server.ts';

/** The MfaApiError a call rejects with (fails the test if it resolves or throws something else). */
async function apiError(call: Promise<unknown>): Promise<MfaApiError> {
  const error = await call.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof MfaApiError)) throw error;
  return error;
}

/** Logs a user with MFA in through the code step. */
async function loginWithCode(client: MfaClient, username: string, code: () => string) {
  const step = await client.login({ username, password: PASSWORD });
  if (step.status !== 'mfa_required') throw new Error(`expected mfa_required, got ${step.status}`);
  return client.loginMfa({ challengeId: step.challengeId, code: code() });
}

describe('sdk/client against the real server', () => {
  let server: TestServer;
  let phone: VirtualAuthenticator;
  let adaRecoveryCodes: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    phone = createVirtualAuthenticator({ now: () => server.clock.now() });
    await server.addUser({ username: 'admin', role: 'admin' });
    await server.addUser({ username: 'ada' });
    await server.addUser({ username: 'bob', kind: 'contact' });
    await server.addUser({ username: 'cy', kind: 'contact' });
  });
  afterAll(() => server?.close());

  it('reads health and the OpenAPI document', async () => {
    const client = server.client();
    expect(await client.health()).toEqual({ ok: true, store: 'sqlite' });
    const doc = await client.openapi();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths as object)).toContain('/api/login/mfa');
  });

  it('keeps the session cookie in its jar: logged in after login, out after logout', async () => {
    const client = server.client();
    expect(await client.login({ username: 'ada', password: PASSWORD })).toMatchObject({
      status: 'authenticated',
      user: { username: 'ada', mfa: { enabled: false } },
    });
    expect(client.jar?.get('mfa_session')).toBeTruthy();
    expect((await client.me()).user.username).toBe('ada');
    // Another client has its own jar, so it is not logged in.
    expect(await apiError(server.client().me())).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    await client.logout();
    expect(client.jar?.get('mfa_session')).toBeUndefined();
    expect((await apiError(client.me())).code).toBe('UNAUTHENTICATED');
  });

  it('maps a wrong password to 401 INVALID_CREDENTIALS with the server message', async () => {
    const error = await apiError(server.client().login({ username: 'ada', password: 'nope' }));
    expect(error).toMatchObject({
      name: 'MfaApiError',
      status: 401,
      code: 'INVALID_CREDENTIALS',
      retryAfter: undefined,
    });
    expect(error.message).not.toBe('');
  });

  it('sends Origin from Node so state-changing calls pass the CSRF check, which refuses another origin', async () => {
    const evil = createMfaClient({
      baseUrl: 'http://localhost',
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('origin', 'https://evil.example');
        return Promise.resolve(server.app.request(input, { ...init, headers }));
      },
    });
    expect(await apiError(evil.login({ username: 'ada', password: PASSWORD }))).toMatchObject({
      status: 403,
      code: 'CSRF_FAILED',
    });
    expect((await server.client().login({ username: 'ada', password: PASSWORD })).status).toBe(
      'authenticated',
    );
  });

  it('enrols from the profile: set-up, QR read by the phone, enable, then MFA on with recovery codes', async () => {
    const client = server.client();
    await client.login({ username: 'ada', password: PASSWORD });
    const setup = await client.startMfaSetup();
    expect(setup.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(phone.addFromQrSvg(setup.qrSvg).secret).toBe(setup.secret);
    expect(await apiError(client.enableMfa({ code: '000000' }))).toMatchObject({
      status: 401,
      code: 'INVALID_CODE',
    });
    const { recoveryCodes } = await client.enableMfa({ code: phone.code() });
    expect(recoveryCodes.length).toBeGreaterThan(0);
    adaRecoveryCodes = recoveryCodes;
    // Enabling ends the user's sessions; log in again through the code step.
    server.clock.advance(30_000);
    const fresh = server.client();
    const result = await loginWithCode(fresh, 'ada', () => phone.code());
    expect(result).toMatchObject({
      status: 'authenticated',
      usedRecoveryCode: false,
      user: { mfa: { enabled: true } },
    });
  });

  it('logs in with a recovery code once, then refuses the same code with 401 RECOVERY_CODE_ALREADY_USED', async () => {
    const code = adaRecoveryCodes[0]!;
    expect((await loginWithCode(server.client(), 'ada', () => code)).usedRecoveryCode).toBe(true);
    expect(await apiError(loginWithCode(server.client(), 'ada', () => code))).toMatchObject({
      status: 401,
      code: 'RECOVERY_CODE_ALREADY_USED',
    });
  });

  it('answers 410 CHALLENGE_EXPIRED for a challenge older than its lifetime', async () => {
    const client = server.client();
    const step = await client.login({ username: 'ada', password: PASSWORD });
    if (step.status !== 'mfa_required') throw new Error(step.status);
    server.clock.advance(server.config.limits.challengeTtlMs + 1000);
    expect(
      await apiError(client.loginMfa({ challengeId: step.challengeId, code: phone.code() })),
    ).toMatchObject({
      status: 410,
      code: 'CHALLENGE_EXPIRED',
    });
  });

  it('regenerates recovery codes (old ones stop working) and refuses disable under the policy', async () => {
    server.clock.advance(30_000);
    const ada = server.client();
    await loginWithCode(ada, 'ada', () => phone.code());
    server.clock.advance(30_000);
    const { recoveryCodes } = await ada.regenerateRecoveryCodes({ code: phone.code() });
    expect(recoveryCodes).not.toContain(adaRecoveryCodes[1]);
    expect(
      (await apiError(loginWithCode(server.client(), 'ada', () => adaRecoveryCodes[1]!))).code,
    ).toBe('INVALID_CODE');
    // regenerating ended ada's sessions
    const again = server.client();
    await loginWithCode(again, 'ada', () => recoveryCodes[0]!);

    const admin = server.client();
    await admin.login({ username: 'admin', password: PASSWORD });
    expect(await admin.setPolicy({ requireMfaForNonSsoUsers: true })).toMatchObject({
      requireMfaForNonSsoUsers: true,
    });
    expect(await admin.getPolicy()).toMatchObject({ requireMfaForNonSsoUsers: true });
    server.clock.advance(30_000);
    expect(await apiError(again.disableMfa({ code: phone.code() }))).toMatchObject({
      status: 403,
      code: 'POLICY_REQUIRES_MFA',
    });
  });

  it('forces set-up at login under the policy: setup, verify, signed in with recovery codes', async () => {
    const bobPhone = createVirtualAuthenticator({ now: () => server.clock.now() });
    const bob = server.client();
    const step = await bob.login({ username: 'bob', password: PASSWORD });
    expect(step.status).toBe('mfa_setup_required');
    if (step.status !== 'mfa_setup_required') return;
    const setup = await bob.loginMfaSetup({ challengeId: step.challengeId });
    bobPhone.addUri(setup.otpauthUri);
    const verified = await bob.loginMfaSetupVerify({
      challengeId: step.challengeId,
      code: bobPhone.code(),
    });
    expect(verified).toMatchObject({
      status: 'authenticated',
      user: { username: 'bob', mfa: { enabled: true } },
    });
    expect(verified.recoveryCodes.length).toBeGreaterThan(0);
    expect((await bob.me()).user.username).toBe('bob');
  });

  it('gives 401 UNAUTHENTICATED without a session and 403 FORBIDDEN to non-admins on admin routes', async () => {
    expect(await apiError(server.client().getPolicy())).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    const ada = server.client();
    server.clock.advance(30_000);
    await loginWithCode(ada, 'ada', () => phone.code());
    expect(await apiError(ada.listUsers())).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await apiError(ada.audit())).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await apiError(ada.setPolicy({ requireMfaForNonSsoUsers: false }))).toMatchObject({
      status: 403,
    });
  });
});

describe('sdk/client admin routes against the real server', () => {
  let server: TestServer;
  let admin: MfaClient;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    server = await startTestServer();
    ids.admin = await server.addUser({ username: 'admin', role: 'admin', name: 'Ann Admin' });
    for (const name of ['dora', 'eli', 'fay'])
      ids[name] = await server.addUser({ username: name, kind: 'contact' });
    ids.sso = await server.addUser({ username: 'sam', authType: 'saml', name: 'Sam Saml' });
    // dora and eli enrol, so the listing has both MFA states.
    for (const name of ['dora', 'eli']) {
      const client = server.client();
      await client.login({ username: name, password: PASSWORD });
      const phone = createVirtualAuthenticator({ now: () => server.clock.now() });
      phone.addUri((await client.startMfaSetup()).otpauthUri);
      await client.enableMfa({ code: phone.code() });
    }
    admin = server.client();
    expect((await admin.login({ username: 'admin', password: PASSWORD })).status).toBe(
      'authenticated',
    );
  });
  afterAll(() => server?.close());

  it('lists users with filters, search and cursor paging', async () => {
    const contacts = await admin.listUsers({ kind: 'contact' });
    expect(contacts.users.map((u) => u.username).sort()).toEqual(['dora', 'eli', 'fay']);
    const enabled = await admin.listUsers({ kind: 'contact', mfa: 'enabled' });
    expect(enabled.users.map((u) => [u.username, u.mfaEnabled])).toEqual([
      ['dora', true],
      ['eli', true],
    ]);
    const sso = await admin.listUsers({ q: 'saml' });
    expect(sso.users).toEqual([
      expect.objectContaining({ username: 'sam', authType: 'saml', mfaEnabled: false }),
    ]);
    const first = await admin.listUsers({ limit: 2 });
    expect(first.users).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = await admin.listUsers({ limit: 2, cursor: first.nextCursor! });
    expect(second.users.map((u) => u.id)).not.toContain(first.users[0]!.id);
  });

  it('resets a user, who must set MFA up at the next login', async () => {
    await admin.resetUserMfa(ids.dora!);
    const dora = await server.client().login({ username: 'dora', password: PASSWORD });
    expect(dora.status).toBe('mfa_setup_required');
    expect(await apiError(admin.resetUserMfa(999_999))).toMatchObject({
      status: 404,
      code: 'USER_NOT_FOUND',
    });
  });

  it('batch-disables MFA with a per-item result and refuses an empty list with 400', async () => {
    const { eli, fay } = ids as { eli: number; fay: number };
    const result = await admin.batchDisableMfa([eli, fay, eli, 424_242]);
    expect(result.disabled).toEqual([eli]);
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        { id: fay, reason: 'MFA_NOT_ENABLED' },
        { id: 424_242, reason: 'USER_NOT_FOUND' },
      ]),
    );
    expect(result.skipped).toHaveLength(2);
    const listing = await admin.listUsers({ kind: 'contact', mfa: 'enabled' });
    expect(listing.users.map((u) => u.username)).not.toContain('eli');
    expect(await apiError(admin.batchDisableMfa([]))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });

  it('reads the audit log, newest first, with paging', async () => {
    const page = await admin.audit({ limit: 2 });
    expect(page.events).toHaveLength(2);
    expect(page.events[0]!.at >= page.events[1]!.at).toBe(true);
    expect(page.nextCursor).toBeTruthy();
    const all = await admin.audit({ limit: 100 });
    expect(all.events.map((e) => e.action).join(' ')).toMatch(/reset/i);
  });
});

describe('sdk/client rate limits and lockouts', () => {
  it('turns a 429 into RATE_LIMITED with retryAfter in seconds from Retry-After', async () => {
    const server = await startTestServer({ rateLimitPerMinute: 2 });
    try {
      await server.addUser({ username: 'gil' });
      const client = server.client();
      await client.login({ username: 'gil', password: 'wrong' }).catch(() => undefined);
      await client.login({ username: 'gil', password: 'wrong' }).catch(() => undefined);
      const error = await apiError(client.login({ username: 'gil', password: PASSWORD }));
      expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(error.retryAfter).toBeGreaterThan(0);
      // A sliding minute: this minute's hits still weigh in the next.
      expect(error.retryAfter).toBeLessThanOrEqual(120);
    } finally {
      await server.close();
    }
  });

  it('turns a second-factor lockout into MFA_LOCKED with retryAfter', async () => {
    const server = await startTestServer({ limits: { mfaMaxFailures: 2, lockoutMs: 5 * 60_000 } });
    try {
      await server.addUser({ username: 'hal' });
      const client = server.client();
      await client.login({ username: 'hal', password: PASSWORD });
      const phone = createVirtualAuthenticator({ now: () => server.clock.now() });
      phone.addUri((await client.startMfaSetup()).otpauthUri);
      await client.enableMfa({ code: phone.code() });
      // The challenge is bound to the client that started it, so the same client answers.
      const step = await client.login({ username: 'hal', password: PASSWORD });
      if (step.status !== 'mfa_required') throw new Error(step.status);
      const errors: MfaApiError[] = [];
      for (let i = 0; i < 3; i++)
        errors.push(
          await apiError(client.loginMfa({ challengeId: step.challengeId, code: '000000' })),
        );
      expect(errors.map((e) => e.code)).toContain('MFA_LOCKED');
      const locked = errors.find((e) => e.code === 'MFA_LOCKED')!;
      expect(locked.status).toBe(429);
      expect(locked.retryAfter).toBeGreaterThan(0);
      expect(locked.retryAfter).toBeLessThanOrEqual(300);
    } finally {
      await server.close();
    }
  });
});

describe('sdk/client over a real socket with the global fetch', () => {
  it('logs in, keeps the cookie in its jar and reads /api/me through a listening server', async () => {
    const server = await startTestServer();
    const listener = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise<void>((resolve) => listener.once('listening', () => resolve()));
      const { port } = listener.address() as AddressInfo;
      await server.addUser({ username: 'ivy' });
      const client = createMfaClient({ baseUrl: `http://127.0.0.1:${port}/` });
      expect((await client.login({ username: 'ivy', password: PASSWORD })).status).toBe(
        'authenticated',
      );
      expect((await client.me()).user.username).toBe('ivy');
      await client.logout();
      expect((await apiError(client.me())).status).toBe(401);
    } finally {
      listener.close();
      await server.close();
    }
  });
});
