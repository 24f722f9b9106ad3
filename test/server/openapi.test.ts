import { describe, expect, it } from 'vitest';
import { makeHarness } from './harness.ts';

describe('GET /api/openapi.json', () => {
  it('documents every route of the API with the schemas that validate it', async () => {
    const h = await makeHarness();
    const res = await h.client().get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'POST /api/login',
        'POST /api/login/mfa',
        'POST /api/login/mfa/setup',
        'POST /api/login/mfa/setup/verify',
        'POST /api/logout',
        'GET /api/me',
        'POST /api/me/mfa/setup',
        'POST /api/me/mfa/enable',
        'POST /api/me/mfa/recovery-codes',
        'POST /api/me/mfa/disable',
        'GET /api/admin/policy',
        'PUT /api/admin/policy',
        'GET /api/admin/users',
        'GET /api/admin/users/count',
        'POST /api/admin/users/{id}/mfa/reset',
        'POST /api/admin/users/mfa/disable',
        'GET /api/admin/audit',
        'GET /api/health',
        'GET /api/admin/sso/saml',
        'PUT /api/admin/sso/saml',
        'DELETE /api/admin/sso/saml',
        'GET /api/sso/saml/metadata',
        'GET /api/sso/saml/login',
        'POST /api/sso/saml/acs',
      ].sort(),
    );
    const batch =
      doc.paths['/api/admin/users/mfa/disable']?.post?.requestBody?.content['application/json']
        ?.schema;
    expect(JSON.stringify(batch)).toContain('"maxItems":1000');
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Error', 'User', 'SetupKey', 'Policy']),
    );
  });
});
