/**
 * Imports go routes → services → store; server/http holds only what every request shares (error
 * rendering, client address, CSRF, security headers) and knows nothing of the services or the
 * routes above it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const server = join(import.meta.dirname, '../../server');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The server folders a file imports from (`services`, `routes`, ...), by resolved path. */
function importedLayers(file: string): string[] {
  const specifiers = [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map(
    (m) => m[1]!,
  );
  return specifiers
    .map((s) => relative(server, join(file, '..', s)))
    .filter((p) => !p.startsWith('..'))
    .map((p) => p.split('/')[0]!);
}

describe('layers', () => {
  it.each([
    ['http', ['services', 'routes']],
    ['services', ['routes']],
    ['store', ['services', 'routes', 'http']],
  ])('server/%s imports nothing from %j', (layer, forbidden) => {
    const files = sources(join(server, layer));
    expect(files.length).toBeGreaterThan(0);
    const wrong = files.flatMap((file) =>
      importedLayers(file)
        .filter((l) => forbidden.includes(l))
        .map((l) => `${relative(server, file)} → ${l}`),
    );
    expect(wrong).toEqual([]);
  });
});
