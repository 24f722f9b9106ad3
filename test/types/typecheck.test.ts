import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

// The suite is what CI runs: without this, code that tsx runs happily (types stripped) could land
// with type errors, and with them shapes that no longer match their declared contract.
describe('types', () => {
  it('type-checks the whole repository (strict, tsc --noEmit)', { timeout: 180_000 }, () => {
    const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
