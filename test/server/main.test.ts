import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMfaClient } from '../../sdk/client/index.ts';
import { buildServer } from '../support/build-once.ts';

const root = join(import.meta.dirname, '../..');
const dataDir = join(mkdtempSync(join(tmpdir(), 'mfa-main-')), 'data');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * What `npm start` runs after its build, from package.json: `node <flags> dist/node/server/main.js`,
 * pointed at this run's build of the same script (`npm run build:server <folder>`).
 */
const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const startCommand = (scripts.start ?? '').split('&&').at(-1)!.trim().split(/\s+/);
let startArgs: string[] = [];
beforeAll(async () => {
  const built = await buildServer();
  startArgs = startCommand.slice(1).map((arg) => arg.replace(/^dist\/node\//, `${built}/`));
});

function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, startArgs, {
    cwd: root,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]!, output: () => out, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('npm start (server/main.ts)', () => {
  it('runs the compiled JavaScript with plain node, no TypeScript loader', () => {
    expect(scripts.start).toMatch(/^npm run build && /);
    expect(startCommand[0]).toBe('node');
    expect(startCommand.at(-1)).toBe('dist/node/server/main.js');
    expect(scripts.start).not.toMatch(/tsx|ts-node|--loader|--experimental-strip-types/);
    expect(scripts.build).toContain('npm run build:server');
    expect(startArgs.at(-1)).toMatch(/server\/main\.js$/);
  });

  it('seeds the demo company once, serves, and finishes in-flight requests on SIGTERM', async () => {
    const server = await start({});
    expect(server.output()).toContain(
      'Seeded the demo company. Log in with password demo-password',
    );
    for (const name of [
      'admin@demo.test',
      'alice@demo.test',
      'bob@demo.test',
      'carol@client.test',
      'dave@client.test',
      'erin@demo.test',
    ]) {
      expect(server.output()).toContain(name);
    }
    expect(await (await fetch(`${server.url}/api/health`)).json()).toEqual({
      ok: true,
      store: 'sqlite',
    });
    // argon2id with OWASP cost keeps this login in flight while SIGTERM arrives.
    const login = fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice@demo.test', password: 'demo-password' }),
    });
    await new Promise((r) => setTimeout(r, 30));
    server.child.kill('SIGTERM');
    const res = await login;
    expect(res.status).toBe(200);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('shutdown: done');
    // A clean close checkpoints the WAL into the database and removes it.
    expect(existsSync(join(dataDir, 'mfa.db-wal'))).toBe(false);
    for (const file of ['mfa.db', 'encryption.key'])
      expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const again = await start({ DEMO_PASSWORD: 'another-password' });
    expect(again.output()).not.toContain('Seeded');
    const relogin = await fetch(`${again.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice@demo.test', password: 'demo-password' }),
    });
    expect(relogin.status).toBe(200);
    // Admin listings read on the SQLite read thread, whose worker file the build must carry.
    const admin = createMfaClient({ baseUrl: again.url });
    await admin.login({ username: 'admin@demo.test', password: 'demo-password' });
    const page = await admin.listUsers({ q: 'alice' });
    expect(page.users.map((u) => u.username)).toEqual(['alice@demo.test']);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ MFA_ENCRYPTION_KEY: 'too-short' }, 'MFA_ENCRYPTION_KEY'],
    [{ SEED_DEMO: 'perhaps' }, 'SEED_DEMO'],
  ])('stops with one clear line and exit code 1 on a bad value (%o)', async (env, name) => {
    const child = spawn(process.execPath, startArgs, {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^mfa-companion: ${name} `));
  });
});
