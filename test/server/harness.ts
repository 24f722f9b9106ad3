/**
 * Test harness for the API: an app over a fresh store, a clock the test moves, cheap argon2id,
 * a captured log, and clients that keep their own cookies and address.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateCode, type OtpAccount, parseKeyUri } from '../../sdk/otp/index.ts';
import { type Keyring, keyringOf } from '../../sdk/verifier/secret-box.ts';
import { type App, type AppOptions, createApp } from '../../server/app.ts';
import { type Config, loadConfig } from '../../server/config/config.ts';
import { createPasswordHasher } from '../../server/crypto/passwords.ts';
import { sha256 } from '../../server/crypto/tokens.ts';
import { createLogger } from '../../server/logger.ts';
import { serveApp } from '../../server/serve.ts';
import type { Store, UserKind, UserRecord } from '../../server/store/contract.ts';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';

/** 1 s into a 30-second time step, so ±1 step tests are exact. */
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 1);
export const PASSWORD = 'correct horse battery';
export const ORIGIN = 'http://localhost';
export const CHEAP_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export interface HarnessOptions {
  /**
   * `app` (default): requests go to `app.request()`. `node`: to the production Node server
   * (`serveApp`, as `server/main.ts` serves) on a loopback port; call `close()`.
   */
  transport?: 'app' | 'node';
  store?: Store;
  keyring?: Keyring;
  config?: Partial<Config>;
  dataDir?: string;
  /** Pages mounted beside the API (the BMS pages). */
  pages?: AppOptions['pages'];
}

export type Harness = Awaited<ReturnType<typeof makeHarness>>;

/**
 * @example
 * const h = await makeHarness();
 * const alice = await h.user('alice@demo.test');
 * const client = h.client();
 * await client.post('/api/login', { username: alice.username, password: PASSWORD });
 */
export async function makeHarness(options: HarnessOptions = {}) {
  let now = T0;
  const clock = { now: () => now };
  const store = options.store ?? openSqliteStore({ path: ':memory:' });
  await store.migrate();
  const base = loadConfig({ DATA_DIR: options.dataDir ?? '/nonexistent-data-dir' });
  const config: Config = {
    ...base,
    argon2: CHEAP_ARGON2,
    trustProxy: 1,
    rateLimitPerMinute: 10_000,
    pwaDir: '/nonexistent-pwa',
    ...options.config,
  };
  const keyring = options.keyring ?? keyringOf([Buffer.alloc(32, 9)]);
  const hasher = createPasswordHasher(CHEAP_ARGON2);
  const logLines: string[] = [];
  const appOptions = {
    store,
    config,
    clock,
    keyring,
    hasher,
    logger: createLogger((l) => logLines.push(l)),
    ...(options.pages ? { pages: options.pages } : {}),
  };
  let app: App;
  let send: Send;
  let close = async () => {};
  if (options.transport === 'node') {
    const served = await new Promise<ReturnType<typeof serveApp>>((resolve) => {
      const s = serveApp(appOptions, { port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    app = served.app;
    send = overLoopback((served.server.address() as AddressInfo).port);
    close = () => new Promise<void>((resolve) => served.server.close(() => resolve()));
  } else {
    const local = createApp(appOptions);
    app = local;
    send = async (url, init) => local.request(url, init);
  }
  const passwordHash = await hasher.hash(PASSWORD);
  let clients = 0;

  const harness = {
    app,
    /** Stops the Node server of the `node` transport. */
    close,
    store,
    config,
    logLines,
    clock,
    now: () => now,
    /** Moves the server clock. */
    advance: (ms: number) => {
      now += ms;
    },
    /** Creates a user (password users get PASSWORD). */
    user: async (
      username: string,
      extra: {
        kind?: UserKind;
        role?: 'admin' | 'user';
        authType?: 'password' | 'saml';
        name?: string;
      } = {},
    ): Promise<UserRecord> => {
      const authType = extra.authType ?? 'password';
      const user = await store.createUser(
        {
          username,
          name: extra.name ?? username.split('@')[0]!,
          kind: extra.kind ?? 'employee',
          role: extra.role ?? 'user',
          authType,
          passwordHash: authType === 'password' ? passwordHash : null,
        },
        now,
      );
      if (!user) throw new Error(`user ${username} exists`);
      return user;
    },
    /** A client with its own cookie jar and address. */
    client: (ip = `10.0.0.${++clients}`) => new Client(send, ip),
    /** The current code of an account at the server's clock (or `offsetSteps` away). */
    code: (account: OtpAccount, offsetSteps = 0) =>
      generateCode(account, now + offsetSteps * 30_000),
    /** Logs in with the password and, if asked, the current code; returns the signed-in client. */
    signIn: async (username: string, account?: OtpAccount, ip?: string) => {
      const client = harness.client(ip);
      const first = await client.post('/api/login', { username, password: PASSWORD });
      if (first.status !== 200) throw new Error(`login ${first.status}: ${await first.text()}`);
      const body = (await first.json()) as { status: string; challengeId?: string };
      if (body.status === 'authenticated') return client;
      if (!account) throw new Error(`login of ${username} needs a code (${body.status})`);
      const second = await client.post('/api/login/mfa', {
        challengeId: body.challengeId,
        code: harness.code(account),
      });
      if (second.status !== 200)
        throw new Error(`login/mfa ${second.status}: ${await second.text()}`);
      return client;
    },
    /**
     * A client holding a session made directly in the store: stands in for an SSO login where
     * the SAML round trip is beside the point (saml-steps.ts signs in through the real routes).
     */
    ssoClient: async (user: UserRecord) => {
      const client = harness.client();
      const token = randomBytes(32).toString('base64url');
      await store.createSession({
        id: sha256(token),
        userId: user.id,
        createdAt: now,
        expiresAt: now + config.sessionAbsoluteMs,
        ip: client.ip,
      });
      client.cookies.set('mfa_session', token);
      return client;
    },
    /** Enables MFA from the profile of a signed-in client; returns the account and recovery codes. */
    enableMfa: async (client: Client) => {
      const setup = await client.post('/api/me/mfa/setup');
      if (setup.status !== 200) throw new Error(`setup ${setup.status}: ${await setup.text()}`);
      const key = (await setup.json()) as { secret: string; otpauthUri: string };
      const account = parseKeyUri(key.otpauthUri);
      const enable = await client.post('/api/me/mfa/enable', { code: harness.code(account) });
      if (enable.status !== 200) throw new Error(`enable ${enable.status}: ${await enable.text()}`);
      const { recoveryCodes } = (await enable.json()) as { recoveryCodes: string[] };
      // The enabling code's step is now used: later logins in the same step would be replays.
      harness.advance(30_000);
      return { account, secret: key.secret, recoveryCodes };
    },
  };
  return harness;
}

/** Sends one request: `url` is absolute, on ORIGIN. */
type Send = (
  url: string,
  init: Omit<RequestInit, 'headers'> & { headers: Record<string, string> },
) => Promise<Response>;

/**
 * Sends through node:http to the loopback server with `Host` set to ORIGIN's host, so the
 * server sees the same URL and origin as under `app.request` (fetch may not set `Host`).
 */
function overLoopback(port: number): Send {
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const { host, pathname, search } = new URL(url);
      const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
      const headers: Record<string, string> = { ...init.headers, host };
      if (body) headers['content-length'] = String(body.length);
      const req = httpRequest(
        { host: '127.0.0.1', port, method: init.method ?? 'GET', path: pathname + search, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const h = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of Array.isArray(value) ? value : [value ?? '']) h.append(name, v);
            }
            const status = res.statusCode ?? 500;
            const nullBody = status === 204 || status === 304;
            resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: h }));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/** A browser-like client: keeps cookies, sends a same-origin Origin on writes, has an address. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly transport: Send,
    readonly ip: string,
  ) {}

  async request(
    path: string,
    init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...init.headers };
    if (cookie) headers.cookie = cookie;
    const url = path.startsWith('http') ? path : `${ORIGIN}${path}`;
    const res = await this.transport(url, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const [name = '', ...value] = pair.split('=');
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim()));
      if (expired || value.join('=') === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
    return res;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { method: 'GET', headers });
  }

  post(path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.send('POST', path, body, headers);
  }

  put(path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.send('PUT', path, body, headers);
  }

  private send(method: string, path: string, body: unknown, headers: Record<string, string>) {
    const h: Record<string, string> = { origin: ORIGIN, ...headers };
    if (body !== undefined) h['content-type'] ??= 'application/json';
    return this.request(path, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }
}

/** Reads `{error:{code}}` of an answer. */
export async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { error?: { code?: string } };
  return body.error?.code;
}
