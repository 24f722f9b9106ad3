import { type SpawnOptions, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSdk, repo } from '../../support/build-once.ts';
import type { CliRun } from './run-cli.ts';

/** A fresh project outside the repository with the packed SDK installed from its tarball. */
export interface PackedProject {
  /** The project folder: a copy of examples/, with its own node_modules. */
  dir: string;
  /** The `npm pack` tarball. */
  tarball: string;
  /** The files `npm pack` put in the tarball. */
  files: string[];
  /** Runs `node …args` in the project (never the repository's node_modules). */
  node(args: string[], env?: Record<string, string>): Promise<CliRun>;
  /** Starts `node …args` in the project and leaves it running (a server). */
  spawn(args: string[], env?: Record<string, string>): Running;
  remove(): void;
}

/** A process left running, e.g. an example's server. */
export interface Running {
  /** Resolves with the first group of `pattern` once the output matches; rejects if it exits. */
  waitFor(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

/** The environment without what `npm test` exports, so child npm runs read only their own project. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_|^INIT_CWD$|^NODE_OPTIONS$|^VITEST/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to its end and collects its output. */
export function run(command: string, args: string[], options: SpawnOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function npm(args: string[], cwd: string): Promise<string> {
  const result = await run('npm', args, { cwd, env: cleanEnv() });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')}:\n${result.stderr}`);
  return result.stdout;
}

/**
 * Packs the built SDK (`npm pack`), copies examples/ into a new folder under the system's
 * temporary directory, points its `mfa-companion` dependency at the tarball and runs
 * `npm install` there from the registry (`--prefer-offline`: npm's cache when it has them),
 * without better-sqlite3.
 * Nothing resolves into the repository: the folder is not below it.
 *
 * @example const project = await installPackedProject(); … project.remove();
 */
export async function installPackedProject(): Promise<PackedProject> {
  const staged = await buildSdk();
  const work = mkdtempSync(join(tmpdir(), 'mfa-sdk-pack-'));
  if (work.startsWith(repo))
    throw new Error('the temporary project must be outside the repository');
  const [packed] = JSON.parse(
    await npm(['pack', '--json', '--pack-destination', work], staged),
  ) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (!packed) throw new Error('npm pack gave no tarball');
  const tarball = join(work, packed.filename);
  const dir = join(work, 'project');
  cpSync(join(repo, 'examples'), dir, {
    recursive: true,
    filter: (path) => !/node_modules|dist$/.test(path),
  });
  const manifestPath = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    dependencies: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  manifest.dependencies['mfa-companion'] = `file:${tarball}`;
  // The verifier examples run on PostgreSQL here: better-sqlite3 (for their SQLite default) has
  // no prebuilt binary offline, and compiling it would cost minutes of every run.
  delete manifest.optionalDependencies?.['better-sqlite3'];
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  return {
    dir,
    tarball,
    files: packed.files.map((f) => f.path).sort(),
    node: (args, env) => run(process.execPath, args, { cwd: dir, env: cleanEnv(env) }),
    spawn(args, env) {
      const child = spawn(process.execPath, args, { cwd: dir, env: cleanEnv(env) });
      let out = '';
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const collect = (c: Buffer) => {
        out += c.toString();
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      return {
        waitFor: (pattern) =>
          new Promise((resolve, reject) => {
            const check = () => {
              const match = pattern.exec(out);
              if (match) resolve(match[1] ?? match[0]);
            };
            child.stdout.on('data', check);
            check();
            exited.then(() => reject(new Error(`exited before ${pattern}: ${out}`)));
          }),
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      };
    },
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}
