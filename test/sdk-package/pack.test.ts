/**
 * The package as a developer gets it: `npm pack` of the built SDK, installed from the tarball
 * into a fresh project under the system's temporary directory (examples/, with its own
 * `npm install`; nothing of the repository's node_modules). There: publint and arethetypeswrong
 * on the tarball, a Node ESM import of every entry point, TypeScript with `bundler` and
 * `nodenext`, a Vite build of the static page, `otp` bundled alone, examples (a) and (c)
 * run against a started server, and the verifier examples driven over HTTP on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { buildBms } from '../pages/support/build-bms.ts';
import { browserAvailable, chromiumArgs } from '../support/browser.ts';
import { repo } from '../support/build-once.ts';
import { findChromium } from '../support/environment.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { installPackedProject, type PackedProject } from './support/packed-project.ts';
import { type ServerProcess, startServerProcess } from './support/server-process.ts';
import { checkSpentAfterRestart, driveLoginLoop } from './support/verifier-login.ts';

const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const attw = join(repo, 'node_modules/@arethetypeswrong/cli/dist/index.js');
const { exports } = JSON.parse(readFileSync(join(repo, 'sdk/package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
};
const entryPoints = Object.keys(exports).filter((key) => key !== './package.json');

let project: PackedProject;
beforeAll(async () => {
  project = await installPackedProject();
}, 120_000);
afterAll(() => project?.remove());

describe('the packed tarball', () => {
  it('holds the compiled entry points, their types and maps, the CLI and the README only', () => {
    expect(project.dir.startsWith(repo)).toBe(false);
    expect(entryPoints).toEqual([
      './otp',
      './client',
      './elements',
      './testing',
      './verifier',
      './verifier/hono',
    ]);
    for (const entry of entryPoints) {
      const file = entry === './verifier/hono' ? 'verifier/hono' : `${entry.slice(2)}/index`;
      for (const ext of ['js', 'd.ts', 'js.map'])
        expect(project.files).toContain(`dist/${file}.${ext}`);
    }
    expect(project.files).toContain('dist/cli/main.js');
    const others = project.files.filter((f) => !f.startsWith('dist/'));
    expect(others).toEqual(['README.md', 'package.json']);
    expect(project.files.filter((f) => /\.test\.|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual(
      [],
    );
  });

  it('passes publint, strict', async () => {
    const tarball = readFileSync(project.tarball);
    const { messages } = await publint({
      pack: {
        tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.length),
      },
      strict: true,
    });
    expect(messages).toEqual([]);
  });

  it('passes arethetypeswrong for an ES-module-only package, every entry point', async () => {
    const run = await project.node([
      attw,
      project.tarball,
      '--profile',
      'esm-only',
      '--format',
      'json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { analysis } = JSON.parse(run.stdout) as {
      analysis: { entrypoints: Record<string, unknown> };
    };
    expect(Object.keys(analysis.entrypoints)).toEqual([...entryPoints, './package.json']);
  });
});

describe('installed in a fresh project', () => {
  it('imports every entry point with plain Node (ESM), and runs the bin', async () => {
    const script = `for (const entry of ${JSON.stringify(entryPoints)}) {
      const m = await import('mfa-companion' + entry.slice(1));
      console.log(entry, Object.keys(m).sort().join(' '));
    }`;
    const run = await project.node(['--input-type=module', '-e', script]);
    expect(run.stderr).toBe('');
    const names = Object.fromEntries(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => [line.split(' ')[0], line.split(' ').slice(1)]),
    );
    expect(names['./otp']).toEqual(expect.arrayContaining(['generateCode', 'parseKeyUri']));
    expect(names['./client']).toEqual(expect.arrayContaining(['createMfaClient', 'MfaApiError']));
    expect(names['./elements']).toEqual(expect.arrayContaining(['MfaEnroll', 'MfaChallenge']));
    expect(names['./testing']).toEqual(
      expect.arrayContaining(['createVirtualAuthenticator', 'authenticatorFromPage']),
    );
    // Without better-sqlite3 in the project (see packed-project.ts): the verifier loads its
    // database driver only when one is opened.
    expect(existsSync(join(project.dir, 'node_modules/better-sqlite3'))).toBe(false);
    expect(names['./verifier']).toEqual(['VerifierError', 'createVerifier']);
    expect(names['./verifier/hono']).toEqual(['secondFactor']);
    const bin = await project.node(['node_modules/.bin/mfa-companion', '--help']);
    expect(bin.status).toBe(0);
    expect(bin.stdout).toContain('simulate');
  });

  it('names the driver to install when a SQLite database is opened without better-sqlite3', async () => {
    const script = `
      import { createVerifier } from 'mfa-companion/verifier';
      import { randomBytes } from 'node:crypto';
      const key = randomBytes(32).toString('base64');
      await createVerifier({ database: 'missing-driver.db', encryptionKey: key }).catch((e) =>
        console.log(e.name, e.code, e.message));`;
    const run = await project.node(['--input-type=module', '-e', script]);
    expect(run.stdout).toBe(
      'VerifierError DRIVER_MISSING This database needs the better-sqlite3 package: npm install better-sqlite3\n',
    );
  });

  it.concurrent.each(['bundler', 'nodenext'])(
    'type-checks with moduleResolution %s (the usage file and the JavaScript examples)',
    async (resolution) => {
      const run = await project.node([tsc, '-p', `typescript/tsconfig.${resolution}.json`]);
      expect(run.stdout + run.stderr).toBe('');
      expect(run.status).toBe(0);
    },
    // Two full type-checks side by side (Hono's types among them) on a shared two-core machine.
    90_000,
  );

  it('builds the static page with Vite, with both elements in the bundle', async () => {
    const run = await project.node([
      'node_modules/vite/bin/vite.js',
      'build',
      'static-page',
      '--outDir',
      '../dist',
      '--logLevel',
      'error',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const html = readFileSync(join(project.dir, 'dist/index.html'), 'utf8');
    const script = /<script type="module" crossorigin src="\/([^"]+)"/.exec(html)?.[1];
    const js = readFileSync(join(project.dir, 'dist', script ?? 'missing.js'), 'utf8');
    // Texts each element renders: they are gone if the bundler dropped the element modules.
    expect(js).toContain('Verify MFA Code');
    expect(js).toContain('Use a recovery code');
  });

  it('bundles `mfa-companion/otp` alone with no Lit, client, elements or image reading', async () => {
    // A copy inside the project, so `vite` too is the project's own, not the repository's.
    copyFileSync(join(repo, 'bench/support/bundle-entry.mjs'), join(project.dir, 'bundle.mjs'));
    const run = await project.node(['bundle.mjs', 'mfa-companion/otp']);
    expect(run.status, run.stderr).toBe(0);
    const { modules, exports: names } = JSON.parse(run.stdout) as {
      modules: string[];
      exports: string[];
    };
    const packages = new Set(
      modules.map((id) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(id)?.[1]).filter(Boolean),
    );
    expect([...packages].sort()).toEqual(['@noble/hashes', 'mfa-companion']);
    const ours = modules.filter((id) => id.includes('node_modules/mfa-companion/'));
    expect(ours.every((id) => id.includes('/mfa-companion/dist/otp/'))).toBe(true);
    expect(names).toEqual(expect.arrayContaining(['generateCode', 'verifyCode', 'parseKeyUri']));
  });
});

describe('the examples, against a started server', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ BMS_DIR: await buildBms() });
  }, 120_000);
  afterAll(() => server?.stop());

  it('(a) the Node backend enrols a user and verifies their logins through the API', async () => {
    const backend = project.spawn(['node-backend/backend.js'], {
      MFA_SERVER: server.url,
      PORT: '0',
    });
    try {
      const url = await backend.waitFor(/backend listening on (http:\/\/\S+),/);
      const post = async (path: string, body: object) => {
        const res = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const alice = { username: 'alice@demo.test', password: 'demo-password' };
      const enrolment = await post('/enrol', alice);
      expect(enrolment.status).toBe(200);
      const account = parseKeyUri(String(enrolment.body.otpauthUri));
      expect(String(enrolment.body.qrSvg)).toMatch(/^<svg/);
      const confirmed = await post('/enrol/confirm', {
        enrolmentId: enrolment.body.enrolmentId,
        code: generateCode(account),
      });
      expect(confirmed.status).toBe(200);
      const [recoveryCode] = confirmed.body.recoveryCodes as string[];

      const wrong = await post('/login', { ...alice, code: '000000' });
      expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CODE' } } });
      // The next step's code: the enrolment just spent the current one.
      const next = generateCode(account, Date.now() + account.period * 1000);
      const login = await post('/login', { ...alice, code: next });
      expect(login).toMatchObject({
        status: 200,
        body: { user: { username: 'alice@demo.test' }, usedRecoveryCode: false },
      });
      const recovery = await post('/login', { ...alice, code: recoveryCode });
      expect(recovery).toMatchObject({ status: 200, body: { usedRecoveryCode: true } });
      expect(await post('/enrol', alice)).toMatchObject({
        status: 409,
        body: { error: { code: 'MFA_ALREADY_ENABLED' } },
      });
    } finally {
      await backend.stop();
    }
  });

  it.skipIf(!browserAvailable)(
    '(c) the Playwright test turns MFA on from the QR on My Profile and signs in with a code',
    async () => {
      const run = await project.node(['--test', 'playwright/'], {
        BMS_URL: server.url,
        BMS_USER: 'bob@demo.test',
        CHROMIUM_PATH: findChromium() ?? '',
        CHROMIUM_ARGS: chromiumArgs.join(' '),
      });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^# pass 1$/m);
    },
  );
});

const postgres = await postgresAvailable();

describe.skipIf(!postgres)('the verifier examples, on PostgreSQL', { timeout: 60_000 }, () => {
  const encryptionKey = randomBytes(32).toString('base64');
  const databases: { url: string; drop: () => Promise<void> }[] = [];
  const freshDatabase = async () => {
    const db = await createTestDatabase('mfa_verifier_example');
    databases.push(db);
    return db.url;
  };
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });
  const start = (file: string, database: string) => {
    const app = project.spawn([file], {
      DATABASE: database,
      MFA_ENCRYPTION_KEY: encryptionKey,
      PORT: '0',
    });
    return { app, url: app.waitFor(/listening on (http:\/\/\S+), PostgreSQL/) };
  };

  it('refuses to start without MFA_ENCRYPTION_KEY, saying how to make one', async () => {
    const run = await project.node(['verifier/server.js'], { MFA_ENCRYPTION_KEY: '' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('MFA_ENCRYPTION_KEY is not set');
    expect(run.stderr).toContain('randomBytes(32)');
  });

  it('node:http: password, enrol, confirm, logout, password + code; a code and a recovery code work once, across a restart too', async () => {
    const database = await freshDatabase();
    const first = start('verifier/server.js', database);
    let outcome: Awaited<ReturnType<typeof driveLoginLoop>>;
    try {
      outcome = await driveLoginLoop(await first.url);
    } finally {
      await first.app.stop();
    }
    const again = start('verifier/server.js', database);
    try {
      await checkSpentAfterRestart(await again.url, outcome);
    } finally {
      await again.app.stop();
    }
  });

  it('Hono with secondFactor: the same loop', async () => {
    const hono = start('verifier/hono-app.js', await freshDatabase());
    try {
      await driveLoginLoop(await hono.url);
    } finally {
      await hono.app.stop();
    }
  });
});
