import { describe, expect, it } from 'vitest';
import { apiOperations } from './api-doc.ts';
import { type Client, type Harness, makeHarness } from './harness.ts';

/** Every answer to bad input: a 4xx with `{error:{code,message}}`. */
async function expectJsonError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

/** Every route taking a JSON body, from the OpenAPI document. */
const routes = (await apiOperations()).filter((o) => o.json).map((o) => [o.method, o.path]);

describe('bad input is a 4xx JSON error, never a 500, never a partial write', async () => {
  const h: Harness = await makeHarness();
  await h.user('admin@demo.test', { role: 'admin' });
  const admin: Client = await h.signIn('admin@demo.test');
  const snapshot = async () =>
    JSON.stringify([await h.store.getPolicy(), await h.store.listUsers({ limit: 100 })]);
  const before = await snapshot();

  const send = (method: string, path: string, body: string, type = 'application/json') =>
    admin.request(path, {
      method,
      headers: { 'content-type': type, origin: 'http://localhost' },
      body,
    });

  it('covers every route taking JSON, the code step included', () => {
    expect(routes).toContainEqual(['POST', '/api/login/mfa']);
  });

  it.each(routes)('%s %s: malformed JSON → 400 MALFORMED_JSON', async (method, path) => {
    await expectJsonError(await send(method, path, '{"code": '), 400, 'MALFORMED_JSON');
  });

  it.each(routes)('%s %s: wrong types → 400 VALIDATION_FAILED', async (method, path) => {
    const body = JSON.stringify({
      username: 1,
      password: [],
      challengeId: {},
      code: 123456,
      requireMfaForNonSsoUsers: 'yes',
      userIds: 'all',
    });
    await expectJsonError(await send(method, path, body), 400, 'VALIDATION_FAILED');
  });

  /** A body of the right shape for each route taking JSON. */
  const shaped: Record<string, Record<string, unknown>> = {
    'POST /api/login': { username: 'nobody@demo.test', password: 'whatever' },
    'POST /api/login/mfa': { challengeId: 'c', code: '123456' },
    'POST /api/login/mfa/setup': { challengeId: 'c' },
    'POST /api/login/mfa/setup/verify': { challengeId: 'c', code: '123456' },
    'POST /api/me/mfa/enable': { code: '123456' },
    'POST /api/me/mfa/recovery-codes': { code: '123456' },
    'POST /api/me/mfa/disable': { code: '123456' },
    'PUT /api/admin/policy': { requireMfaForNonSsoUsers: true },
    'POST /api/admin/users/mfa/disable': { userIds: [1] },
    'PUT /api/admin/sso/saml': { metadataXml: '<md:EntityDescriptor/>' },
  };

  it.each(routes)(
    '%s %s: an unknown field → 400 VALIDATION_FAILED naming it',
    async (method, path) => {
      const body = shaped[`${method} ${path}`];
      expect(body, 'a shaped body for this route in the test').toBeDefined();
      const res = await send(
        method!,
        path!,
        JSON.stringify({ ...body, requireMfaForNonSsoUser: false }),
      );
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain('requireMfaForNonSsoUser');
    },
  );

  it.each(routes)('%s %s: a JSON array or scalar → 400', async (method, path) => {
    await expectJsonError(await send(method, path, '[1,2]'), 400, 'VALIDATION_FAILED');
    await expectJsonError(await send(method, path, 'null'), 400, 'VALIDATION_FAILED');
  });

  it.each(routes)('%s %s: an oversize body → 413 PAYLOAD_TOO_LARGE', async (method, path) => {
    // An IdP's metadata may be large: that route takes up to 256 KiB.
    const size = path === '/api/admin/sso/saml' ? 300_000 : 20_000;
    const body = JSON.stringify({ code: 'x'.repeat(size) });
    await expectJsonError(await send(method, path, body), 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each(routes)('%s %s: a form body → 415 UNSUPPORTED_MEDIA_TYPE', async (method, path) => {
    await expectJsonError(
      await send(method, path, 'code=1', 'application/x-www-form-urlencoded'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('refuses over-long strings', async () => {
    await expectJsonError(
      await send(
        'POST',
        '/api/login',
        JSON.stringify({ username: 'a'.repeat(255), password: 'x' }),
      ),
      400,
      'VALIDATION_FAILED',
    );
    await expectJsonError(
      await send(
        'POST',
        '/api/login/mfa',
        JSON.stringify({ challengeId: 'a', code: '1'.repeat(65) }),
      ),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('answers unknown routes with 404 NOT_FOUND, and another method on a known one with 405', async () => {
    await expectJsonError(await admin.get('/api/nope'), 404, 'NOT_FOUND');
    await expectJsonError(
      await admin.request('/api/me', { method: 'DELETE', headers: { origin: 'http://localhost' } }),
      405,
      'METHOD_NOT_ALLOWED',
    );
  });

  it('left the store as it was', async () => {
    expect(await snapshot()).toBe(before);
  });
});
