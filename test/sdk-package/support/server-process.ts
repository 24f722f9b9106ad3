import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../../support/build-once.ts';

/** A compiled server (`node …/server/main.js`, as `npm start` runs it) in a child process. */
export interface ServerProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the compiled server on a free port, SQLite in a new DATA_DIR, demo company seeded
 * (password `demo-password`). `env` adds variables (e.g. BMS_DIR).
 *
 * @example const server = await startServerProcess(); … await server.stop();
 */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const built = await buildServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'mfa-sdk-server-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--enable-source-maps', join(built, 'server/main.js')],
    {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: join(dataDir, 'data'),
        MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        RATE_LIMIT_PER_MINUTE: '10000',
        PWA_DIR: join(dataDir, 'no-pwa'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    exited.then(() => reject(new Error(`the server exited: ${out}`)));
  });
  return {
    url,
    output: () => out,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
