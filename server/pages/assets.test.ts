import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBundleAssets } from './assets.ts';

describe('readBundleAssets', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the entry script and its stylesheets in the Vite manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bms-assets-'));
    dirs.push(dir);
    mkdirSync(join(dir, '.vite'));
    writeFileSync(
      join(dir, '.vite', 'manifest.json'),
      JSON.stringify({
        '_lit.js': { file: 'assets/lit-1.js' },
        'main.ts': { file: 'assets/main-2.js', isEntry: true, css: ['assets/main-3.css'] },
      }),
    );
    expect(readBundleAssets(dir)).toEqual({
      script: '/assets/bms/assets/main-2.js',
      styles: ['/assets/bms/assets/main-3.css'],
    });
  });

  it('reports a bundle that was not built as no script', () => {
    expect(readBundleAssets(join(tmpdir(), 'no-such-bms-build'))).toEqual({
      script: null,
      styles: [],
    });
  });
});
