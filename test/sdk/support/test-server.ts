import { randomBytes } from 'node:crypto';
import { createMfaClient, type MfaClient } from '../../../sdk/client/index.ts';
import { type App, createApp } from '../../../server/app.ts';
import { type Config, loadConfig } from '../../../server/config/config.ts';
import { createPasswordHasher } from '../../../server/crypto/passwords.ts';
import { openSqliteStore } from '../../../server/store/sqlite/sqlite-store.ts';

/** A clock the test moves by hand; the server and the virtual phone both read it. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

/** A real server app on an in-memory SQLite store, with a hand-moved clock. */
export interface TestServer {
  app: App;
  clock: TestClock;
  config: Config;
  /** Creates a password user and returns their id. */
  addUser(user: {
    username: string;
    password?: string;
    role?: 'admin' | 'user';
    kind?: 'employee' | 'contact';
    authType?: 'password' | 'saml';
    name?: string;
  }): Promise<number>;
  /** A Node client talking to the app in-process (`app.request`), with its own cookie jar. */
  client(): MfaClient;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery staple';
/** Cheap argon2 so tests spend their time on behaviour, not on hashing. */
const cheapArgon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/**
 * Starts the real server (`createApp`) for SDK tests. `limits` and `rateLimitPerMinute` tighten
 * the lockouts so a test reaches them in a few requests.
 *
 * @example const server = await startTestServer({ limits: { mfaMaxFailures: 2 } });
 */
export async function startTestServer(
  overrides: { rateLimitPerMinute?: number; limits?: Partial<Config['limits']> } = {},
): Promise<TestServer> {
  let time = Date.parse('2025-06-01T09:00:00Z');
  const clock: TestClock = {
    now: () => time,
    advance(ms) {
      time += ms;
    },
  };
  const base = loadConfig({
    MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SEED_DEMO: '0',
    MFA_ISSUER: 'Acme BMS',
  });
  const config: Config = {
    ...base,
    argon2: cheapArgon2,
    rateLimitPerMinute: overrides.rateLimitPerMinute ?? 1000,
    limits: { ...base.limits, ...overrides.limits },
  };
  const store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  const hasher = createPasswordHasher(cheapArgon2);
  const app = createApp({ store, config, clock, hasher });
  return {
    app,
    clock,
    config,
    async addUser({
      username,
      password = PASSWORD,
      role = 'user',
      kind = 'employee',
      authType = 'password',
      name = username,
    }) {
      const passwordHash = authType === 'saml' ? null : await hasher.hash(password);
      const user = await store.createUser(
        { username, name, kind, role, authType, passwordHash },
        clock.now(),
      );
      if (!user) throw new Error(`user ${username} exists`);
      return user.id;
    },
    client: () =>
      createMfaClient({
        baseUrl: 'http://localhost',
        fetch: (input, init) => Promise.resolve(app.request(input, init)),
      }),
    close: () => store.close(),
  };
}
