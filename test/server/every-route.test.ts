/**
 * Every operation of /api/openapi.json, the code step included, answers through the one
 * middleware chain: the API's security headers, exactly one request log line, and errors in the
 * one `{ error: { code, message } }` form. Run over `app.request` and over the production Node
 * server (`serveApp`, as `server/main.ts` serves), so a route answered beside the chain, on
 * either, fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import type { Store } from '../../server/store/contract.ts';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';
import { StoreUnavailableError } from '../../server/store/store-unavailable.ts';
import { apiOperations, type Operation } from './api-doc.ts';
import { type Client, type Harness, makeHarness } from './harness.ts';

const ADMIN = 'admin@demo.test';
const API_HEADERS = {
  'content-security-policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'cache-control': 'no-store',
};
const codes = new Set<string>(Object.values(ErrorCode));
// Reads nothing of the store (the SP's metadata is made from the request's origin alone).
const STORE_FREE = new Set(['GET /api/sso/saml/metadata']);
// Longer than any string, not a number, not an enum value: fails every query and path parameter.
const BAD_PARAM = 'x'.repeat(300);

/** A store that, while `down.on`, throws on every use, as a store whose database is gone. */
const down = { on: false };
function failing(store: Store): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (!down.on) return typeof value === 'function' ? value.bind(target) : value;
      if (typeof value === 'function') {
        return async () => Promise.reject(new StoreUnavailableError('ECONNREFUSED'));
      }
      throw new StoreUnavailableError('ECONNREFUSED');
    },
  });
}

describe.each(['app', 'node'] as const)('every API operation, over %s', (transport) => {
  let h: Harness;
  let operations: Operation[] = [];
  beforeAll(async () => {
    h = await makeHarness({ transport, store: failing(openSqliteStore({ path: ':memory:' })) });
    await h.user(ADMIN, { role: 'admin' });
    operations = await apiOperations();
  });
  afterAll(() => h.close());

  it('documents every API route the app answers, so the loop below misses none', () => {
    const documented = new Set(
      operations.map(({ method, path }) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const answered = h.app.routes
      .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'))
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => r !== 'GET /api/openapi.json');
    expect(answered.length).toBeGreaterThanOrEqual(operations.length);
    for (const route of answered) expect(documented, route).toContain(route);
    expect(documented).toContain('POST /api/login/mfa');
  });

  /** Sends one request and checks what the chain adds to every answer; returns the answer. */
  async function throughTheChain(
    client: Client,
    method: string,
    path: string,
    body: string | undefined,
  ) {
    const lines = h.logLines.length;
    const res = await client.request(path, {
      method,
      headers: {
        origin: 'http://localhost',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
    });
    for (const [name, value] of Object.entries(API_HEADERS)) {
      expect(res.headers.get(name), `${method} ${path}: ${name}`).toBe(value);
    }
    const requestLines = h.logLines
      .slice(lines)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === 'request');
    expect(requestLines, `${method} ${path}: request log lines`).toEqual([
      expect.objectContaining({ method, path: path.split('?')[0], status: res.status }),
    ]);
    if (res.status >= 400) {
      const answer = (await res.json()) as { error: { code: string; message: string } };
      expect(Object.keys(answer), `${method} ${path}`).toEqual(['error']);
      expect(Object.keys(answer.error).sort()).toEqual(['code', 'message']);
      expect(codes, `${method} ${path}`).toContain(answer.error.code);
      expect(answer.error.message.length).toBeGreaterThan(0);
    }
    return res;
  }

  it('answers each one through the chain: valid-looking, refused and failed requests alike', async () => {
    expect(operations.length).toBeGreaterThan(10);
    for (const { method, path, parameters: params, json } of operations) {
      const query = params
        .filter((p) => p.in === 'query')
        .map((p) => `${p.name}=${BAD_PARAM}`)
        .join('&');
      const concrete = (value: string) => path.replace(/\{\w+\}/g, value);
      const invalid = `${concrete(BAD_PARAM)}${query ? `?${query}` : ''}`;
      const invalidBody = json ? '[]' : undefined;
      const statuses: number[] = [];

      // Signed in as an admin, with input that fails validation wherever the route takes any.
      const admin = await h.signIn(ADMIN);
      const refused = await throughTheChain(admin, method, invalid, invalidBody);
      statuses.push(refused.status);
      if (invalidBody !== undefined || params.length > 0) {
        expect(refused.status, `${method} ${path}`).toBe(400);
      }

      // Without a session.
      const body = json ? '{}' : undefined;
      statuses.push((await throughTheChain(h.client(), method, concrete('1'), body)).status);

      // With the store gone: whatever the route needs of it first fails, and is a 503.
      const anyone = h.client();
      anyone.cookies.set('mfa_session', 'a-session-token');
      down.on = true;
      try {
        const failed = await throughTheChain(anyone, method, concrete('1'), body);
        statuses.push(failed.status);
        if (!STORE_FREE.has(`${method} ${path}`)) {
          expect(failed.status, `${method} ${path} with the store down`).toBe(503);
          expect(failed.headers.get('retry-after')).toBe('1');
        }
      } finally {
        down.on = false;
      }
      if (!STORE_FREE.has(`${method} ${path}`)) expect(statuses.some((s) => s >= 400)).toBe(true);
    }
  });
});
