import { describe, expect, it } from 'vitest';
import { makeHarness } from './harness.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

describe('a method a path does not answer', () => {
  it('is 405 METHOD_NOT_ALLOWED with Allow, on every path of the OpenAPI document', async () => {
    const h = await makeHarness();
    const doc = (await (await h.client().get('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const checked: string[] = [];
    for (const [template, operations] of Object.entries(doc.paths)) {
      const path = template.replace(/\{[^}]+\}/g, '7');
      const listed = Object.keys(operations).map((m) => m.toUpperCase());
      const allow = [...listed, ...(listed.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
      for (const method of METHODS.filter((m) => !listed.includes(m))) {
        const res = await h
          .client()
          .request(path, { method, headers: { origin: 'http://localhost' } });
        expect([method, path, res.status, res.headers.get('allow')]).toEqual([
          method,
          path,
          405,
          allow,
        ]);
        expect(await res.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked.length).toBeGreaterThan(40);
  });

  it('leaves unknown paths 404 NOT_FOUND', async () => {
    const h = await makeHarness();
    const res = await h.client().get('/api/nope');
    expect([res.status, res.headers.get('allow')]).toEqual([404, null]);
  });
});
