import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The real entry point (`npm start`); MULTI_INSTANCE_ENTRY overrides it. */
export function serverEntry(): string {
  return resolve(root, process.env.MULTI_INSTANCE_ENTRY ?? 'server/main.ts');
}

/** A free TCP port on loopback (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? ok(address.port) : fail()));
    });
  });
}

export interface Instance {
  url: string;
  process: ChildProcess;
  /** What the process printed (JSON log lines), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `count` real server processes (`node --import tsx server/main.ts`) on free loopback ports,
 * all on one PostgreSQL database and one encryption key, each with its own temporary DATA_DIR,
 * and waits until each answers `/api/health`.
 *
 * @example const [a, b] = await startInstances(2, { DATABASE_URL: db.url, SEED_DEMO: '0' });
 */
export async function startInstances(
  count: number,
  env: Record<string, string>,
): Promise<Instance[]> {
  const key = randomBytes(32).toString('base64');
  const entry = serverEntry();
  return Promise.all(
    Array.from({ length: count }, async () => {
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), 'mfa-instance-'));
      const child = spawn(process.execPath, ['--import', 'tsx', entry], {
        cwd: root,
        env: {
          ...process.env,
          HOST: '127.0.0.1',
          PORT: String(port),
          DATA_DIR: dataDir,
          MFA_ENCRYPTION_KEY: key,
          SEED_DEMO: '0',
          RATE_LIMIT_PER_MINUTE: '100000',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      const keep = (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-20_000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const instance: Instance = {
        url: `http://127.0.0.1:${port}`,
        process: child,
        output: () => log,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(timer);
          }
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
      await waitForHealth(instance, exited);
      return instance;
    }),
  );
}

async function waitForHealth(instance: Instance, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !gone) {
    try {
      const res = await fetch(`${instance.url}/api/health`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  await instance.stop();
  throw new Error(`server at ${instance.url} did not come up:\n${instance.output()}`);
}
