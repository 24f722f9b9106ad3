/** The API's operations as /api/openapi.json lists them, for tests that go over every route. */
import { RATE_LIMIT_EXTENSION } from '../../server/routes/guards.ts';
import { makeHarness } from './harness.ts';

export interface Operation {
  method: string;
  /** As documented: `/api/admin/users/{id}/mfa/reset`. */
  path: string;
  parameters: { name: string; in: 'query' | 'path' }[];
  /** The operation takes a JSON body. */
  json: boolean;
  /** The operation has a per-address rate limit. */
  rateLimited: boolean;
}

interface DocOperation {
  parameters?: { name: string; in: 'query' | 'path' }[];
  requestBody?: { content: Record<string, unknown> };
  [RATE_LIMIT_EXTENSION]?: unknown;
}

/**
 * Every operation of the document the app serves (read from a fresh app).
 *
 * @example const limited = (await apiOperations()).filter((o) => o.rateLimited);
 */
export async function apiOperations(): Promise<Operation[]> {
  const h = await makeHarness();
  const res = await h.client().get('/api/openapi.json');
  const doc = (await res.json()) as { paths: Record<string, Record<string, DocOperation>> };
  await h.store.close();
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      json: op.requestBody?.content['application/json'] !== undefined,
      rateLimited: op[RATE_LIMIT_EXTENSION] !== undefined,
    })),
  );
}
