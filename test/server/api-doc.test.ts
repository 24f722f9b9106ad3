/**
 * docs/api.md is the API's contract for people: it must list exactly the routes the app serves
 * (as its own OpenAPI document says) and every error code the client can meet.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { STATUS_OF } from '../../server/http/api-error.ts';
import { makeHarness } from './harness.ts';

const docPath = new URL('../../docs/api.md', import.meta.url);

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

/** `### \`POST /api/login/mfa\`` headings, each with the text up to the next heading. */
function routeSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  const heading = /^### `([A-Z]+) (\/api\/[^`\s]*)`\s*$/gm;
  const matches = [...markdown.matchAll(heading)];
  for (const match of matches) {
    const route = `${match[1]} ${match[2]}`;
    if (sections.has(route)) throw new Error(`docs/api.md lists ${route} twice`);
    const start = (match.index ?? 0) + match[0].length;
    const rest = markdown.slice(start);
    const end = rest.search(/^#{2,3} /m);
    sections.set(route, end < 0 ? rest : rest.slice(0, end));
  }
  return sections;
}

/** The body of the `## Error codes` section. */
function errorCodesSection(markdown: string): string {
  const start = markdown.search(/^## Error codes\s*$/m);
  if (start < 0) throw new Error('docs/api.md has no "## Error codes" section');
  const rest = markdown.slice(start).replace(/^## Error codes\s*$/m, '');
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('docs/api.md', () => {
  const markdown = readFileSync(docPath, 'utf8');
  let openapi: OpenApi;

  beforeAll(async () => {
    const h = await makeHarness();
    const res = await h.client().get('/api/openapi.json');
    expect(res.status).toBe(200);
    openapi = (await res.json()) as OpenApi;
  });

  const served = () =>
    Object.entries(openapi.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );

  it('has a section for every route of /api/openapi.json and for no other route', () => {
    // The OpenAPI document does not describe itself; it is served, so the doc may list it.
    const expected = [...served(), 'GET /api/openapi.json'].sort();
    expect([...routeSections(markdown).keys()].sort()).toEqual(expected);
  });

  it("names every answer status of a route's OpenAPI entry in that route's section", () => {
    const sections = routeSections(markdown);
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(openapi.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const route = `${method.toUpperCase()} ${path}`;
        const text = sections.get(route) ?? '';
        for (const status of Object.keys(op.responses)) {
          if (!new RegExp(`\\b${status}\\b`).test(text)) missing.push(`${route}: ${status}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents every error code of sdk/client/error-codes.ts, with its status', () => {
    const rows = [...errorCodesSection(markdown).matchAll(/^\| `([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)];
    const documented = rows.map((row) => row[1]);
    expect([...documented].sort()).toEqual(Object.values(ErrorCode).sort());
    expect(new Set(documented).size).toBe(documented.length);
    // Each with the status the server's one error handler gives it.
    const statuses = Object.fromEntries(rows.map((row) => [row[1], Number(row[2])]));
    expect(statuses).toEqual(STATUS_OF);
  });

  it('uses no error code in its tables that the server does not have', () => {
    const known = new Set<string>(Object.values(ErrorCode));
    const cells = [...markdown.matchAll(/^\|[^|\n]*\|\s*`([A-Z][A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.filter((code) => !known.has(code!))).toEqual([]);
  });
});
