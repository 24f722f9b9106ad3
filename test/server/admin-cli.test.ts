import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';

const root = join(import.meta.dirname, '../..');
const dataDir = join(mkdtempSync(join(tmpdir(), 'mfa-cli-')), 'data');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const admin = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/admin.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir },
    input,
    encoding: 'utf8',
  });

describe('admin CLI (npm run admin)', () => {
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
