import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMfaClient, type MfaClient } from '../../../sdk/client/index.ts';
import { type Config, loadConfig } from '../../../server/config/config.ts';
import { createPasswordHasher } from '../../../server/crypto/passwords.ts';
import { bmsPages } from '../../../server/pages/index.tsx';
import { serveApp } from '../../../server/serve.ts';
import { enableTestIdp } from '../../../server/sso/test-idp.ts';
import type { SigningKeys } from '../../../server/sso/test-idp-keys.ts';
import type { Store } from '../../../server/store/contract.ts';
import { openSqliteStore } from '../../../server/store/sqlite/sqlite-store.ts';

export const PASSWORD = 'correct horse battery staple';
const cheapArgon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** The server's clock, moved by hand so the test decides when the next TOTP step starts. */
export interface HandClock {
  now(): number;
  advance(ms: number): void;
}

/** A new person in the store. */
export interface NewPerson {
  username: string;
  name?: string;
  role?: 'admin' | 'user';
  kind?: 'employee' | 'contact';
  authType?: 'password' | 'saml';
}

/** The real server, listening on 127.0.0.1, with the BMS pages and (optionally) the PWA. */
export interface BmsServer {
  origin: string;
  clock: HandClock;
  config: Config;
  store: Store;
  addUser(person: NewPerson): Promise<number>;
  /** A Node client of the running server (own cookie jar), for test set-up through the API. */
  client(): MfaClient;
  close(): Promise<void>;
}

/**
 * Starts `serveApp` (the production wiring) with `bmsPages` over a real socket, on SQLite in a temporary DATA_DIR,
 * with a hand-moved clock starting at `start` (default: now, on a 30 s boundary + 5 s).
 *
 * @example const server = await startBmsServer({ assetsDir: await buildBms(), pwaDir });
 */
export async function startBmsServer(options: {
  assetsDir: string;
  pwaDir?: string;
  start?: number;
  limits?: Partial<Config['limits']>;
  /** The demo's SSO user erin@demo.test and the built-in test IdP (as `npm start` seeds them). */
  ssoDemo?: boolean;
}): Promise<BmsServer> {
  let time = options.start ?? Math.floor(Date.now() / 30_000) * 30_000 + 5_000;
  const clock: HandClock = {
    now: () => time,
    advance(ms) {
      time += ms;
    },
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'bms-pages-'));
  const base = loadConfig({
    DATA_DIR: dataDir,
    MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SEED_DEMO: '0',
    MFA_ISSUER: 'Acme BMS',
    ...(options.pwaDir ? { PWA_DIR: options.pwaDir } : { PWA_DIR: join(dataDir, 'no-pwa') }),
  });
  const config: Config = {
    ...base,
    argon2: cheapArgon2,
    rateLimitPerMinute: 10_000,
    limits: { ...base.limits, ...options.limits },
  };
  const store = openSqliteStore({ path: join(dataDir, 'mfa.sqlite') });
  await store.migrate();
  const hasher = createPasswordHasher(cheapArgon2);
  let testIdpKeys: SigningKeys | null = null;
  if (options.ssoDemo) {
    await store.createUser(
      {
        username: 'erin@demo.test',
        name: 'Erin SSO',
        kind: 'employee',
        role: 'user',
        authType: 'saml',
        passwordHash: null,
      },
      time,
    );
    testIdpKeys = await enableTestIdp(store, dataDir, time);
  }
  // The production wiring, as server/main.ts serves it.
  const { server } = await new Promise<ReturnType<typeof serveApp>>((resolve) => {
    const served = serveApp(
      {
        store,
        config,
        clock,
        hasher,
        pages: bmsPages({ assetsDir: options.assetsDir, testIdpKeys }),
      },
      { port: 0, hostname: '127.0.0.1' },
      () => resolve(served),
    );
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    clock,
    config,
    store,
    async addUser({
      username,
      name = username,
      role = 'user',
      kind = 'employee',
      authType = 'password',
    }) {
      const passwordHash = authType === 'saml' ? null : await hasher.hash(PASSWORD);
      const user = await store.createUser(
        { username, name, kind, role, authType, passwordHash },
        time,
      );
      if (!user) throw new Error(`user ${username} exists`);
      return user.id;
    },
    client: () => createMfaClient({ baseUrl: origin }),
    async close() {
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
