import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';
import { buildServer } from '../support/build-once.ts';

const root = join(import.meta.dirname, '../..');
const dataDir = join(mkdtempSync(join(tmpdir(), 'mfa-cli-')), 'data');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * What `npm run admin` runs after its build, from package.json: `node <flags>
 * dist/node/server/cli/admin.js`, pointed at this run's build (`npm run build:server <folder>`).
 */
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;
const adminCommand = (scripts.admin ?? '').split('&&').at(-1)!.trim().split(/\s+/);
let adminArgs: string[] = [];
beforeAll(async () => {
  const built = await buildServer();
  adminArgs = adminCommand.slice(1).map((arg) => arg.replace(/^dist\/node\//, `${built}/`));
});

const admin = (args: string[], input?: string) =>
  spawnSync(process.execPath, [...adminArgs, ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir },
    input,
    encoding: 'utf8',
  });

describe('admin CLI (npm run admin)', () => {
  it('runs compiled JavaScript after building it, never through a TypeScript loader', () => {
    expect(scripts.admin).toMatch(/^npm run build:server --silent >&2 && node /);
    expect(adminCommand.at(-1)).toBe('dist/node/server/cli/admin.js');
    expect(scripts.admin).not.toMatch(/tsx|ts-node|--loader|--experimental-strip-types/);
  });

  it('creates an admin with a password from stdin, hashed with OWASP argon2id, and lists it', async () => {
    const created = admin(
      ['create-admin', 'Boss@Corp.test', '--name', 'The Boss', '--password-stdin'],
      'a-long-password\n',
    );
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/^created admin boss@corp.test \(id 1, employee, password\)\n$/);
    expect(created.stdout).not.toContain('a-long-password');
    const generated = admin([
      'create-user',
      'carol@client.test',
      '--name',
      'Carol',
      '--kind',
      'contact',
    ]);
    expect(generated.stdout).toMatch(/password \(shown once\): \S{20}/);
    const list = admin(['list-users']);
    expect(list.stdout).toMatch(/boss@corp.test\s+employee admin password mfa:off/);
    expect(list.stdout).toMatch(/carol@client.test\s+contact\s+user\s+password mfa:off/);

    const store = openSqliteStore({ path: join(dataDir, 'mfa.db') });
    const boss = await store.getUserByUsername('boss@corp.test');
    expect(boss).toMatchObject({ role: 'admin', authType: 'password' });
    expect(boss?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await store.close();
  });

  it('refuses bad input with a message, the usage and exit code 1', () => {
    for (const args of [
      ['bogus'],
      ['create-user', 'x@x.test', '--kind', 'robot', '--name', 'X'],
      ['create-user', 'y@x.test'],
      ['reset-mfa', 'nobody@x.test'],
    ]) {
      const run = admin(args);
      expect(run.status, args.join(' ')).toBe(1);
      expect(run.stderr).toMatch(/^admin: .+\nusage: npm run admin/);
    }
  });
});
