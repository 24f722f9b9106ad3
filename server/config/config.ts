/**
 * The server's configuration: read from the environment in one place (`readConfig`), validated,
 * then passed down. A bad value stops the start with one line naming the variable.
 */
import { isAbsolute, relative, resolve } from 'node:path';

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface Config {
  port: number;
  host: string;
  /** Absolute path of the data directory (SQLite file, key file). */
  dataDir: string;
  /** PostgreSQL URL shared by every instance (DATABASE_URL), or null for the embedded SQLite. */
  databaseUrl: string | null;
  /** Connections in this instance's PostgreSQL pool (DATABASE_POOL_SIZE, default 10). */
  databasePoolSize: number;
  /** 32-byte AES key from MFA_ENCRYPTION_KEY, or null to use the key file in dataDir. */
  encryptionKey: Buffer | null;
  /** Older keys still accepted for decryption (MFA_OLD_ENCRYPTION_KEYS, comma-separated base64). */
  oldEncryptionKeys: Buffer[];
  /**
   * Absolute path of the key file used without MFA_ENCRYPTION_KEY (MFA_ENCRYPTION_KEY_FILE),
   * created on first start; null for `encryption.key` in dataDir, the zero-setup default.
   */
  encryptionKeyFile: string | null;
  seedDemo: boolean;
  demoPassword: string;
  /** Whether DEMO_PASSWORD was set (then the start does not print it). */
  demoPasswordFromEnv: boolean;
  rateLimitPerMinute: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /**
   * How many reverse proxies in front of the server append to X-Forwarded-For (TRUST_PROXY,
   * 0 = none: the socket's address is the client's). The client is the entry that many from
   * the right: entries further left were written by the client and are never trusted.
   */
  trustProxy: number;
  /** Strict-Transport-Security max-age in seconds on HTTPS answers (HSTS_MAX_AGE; 0 = off). */
  hstsMaxAge: number;
  /** 'auto': Secure cookies unless the request host is localhost or a loopback address. */
  cookieSecure: 'auto' | 'always' | 'never';
  /** Extra origins accepted by the CSRF check (PUBLIC_ORIGIN, comma-separated). */
  publicOrigins: string[];
  /**
   * Host names the server answers for besides `localhost` and IP literals: those of PUBLIC_ORIGIN
   * plus ALLOWED_HOSTS (comma-separated). Other names get 421 (DNS rebinding).
   */
  allowedHosts: string[];
  /** The company whose BMS this is (COMPANY_NAME): the pages' header and, by default, the issuer. */
  companyName: string;
  /**
   * The issuer in key URIs (MFA_ISSUER, default the company's name): what an authenticator app
   * shows above the account, so people find their employer's code, not the product's name.
   */
  issuer: string;
  /** Where the PWA build lives (served at /app/ when present). */
  pwaDir: string;
  /** Where the BMS pages' browser bundle lives (`npm run build:bms`, served at /assets/bms/). */
  bmsDir: string;
  /** argon2id cost; OWASP's minimum (19 MiB, t=2, p=1) by default. Tests inject cheaper values. */
  argon2: Argon2Params;
  /** Policy constants of the issue; fixed in production, injectable for tests. */
  limits: {
    mfaMaxFailures: number;
    /** Wrong passwords in a row for one name from one address (IPv6: /64) before it is locked. */
    passwordMaxFailures: number;
    /** Wrong passwords in a row for one name from anywhere before the name as a whole is locked. */
    passwordNameMaxFailures: number;
    lockoutMs: number;
    challengeTtlMs: number;
    challengeMaxFailures: number;
    enrolmentTtlMs: number;
    recoveryCodeCount: number;
    bodyLimitBytes: number;
  };
}

/** A configuration value that cannot be used; `message` is the one line to print. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const OWASP_ARGON2ID: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

type Env = Record<string, string | undefined>;

/** The seeded demo company's name: the BMS's name and issuer unless COMPANY_NAME says otherwise. */
export const DEMO_COMPANY = 'Demo Company';

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be 1 or 0 (true/false), got "${raw}"`);
}

function key(name: string, raw: string): Buffer {
  const bytes = Buffer.from(raw.trim(), 'base64');
  if (bytes.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw.trim())) {
    throw new ConfigError(`${name} must be 32 random bytes in base64 (openssl rand -base64 32)`);
  }
  return bytes;
}

function databaseUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  let protocol = '';
  try {
    protocol = new URL(raw).protocol;
  } catch {}
  // The value is not echoed: it may hold the database password.
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return raw;
}

/** ALLOWED_HOSTS: comma-separated host names, without scheme or port. */
function hostNames(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw.split(',').map((h) => {
    const name = h.trim().toLowerCase();
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name)) {
      throw new ConfigError(
        `ALLOWED_HOSTS must be a comma-separated list of host names (no scheme or port), got "${h}"`,
      );
    }
    return name;
  });
}

function origins(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw.split(',').map((o) => {
    try {
      const url = new URL(o.trim());
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      return url.origin;
    } catch {
      throw new ConfigError(
        `PUBLIC_ORIGIN must be a comma-separated list of http(s) origins, got "${o}"`,
      );
    }
  });
}

/** TRUST_PROXY: a number of proxies (0–10); `true`/`false` as 1/0 for older configurations. */
function proxyHops(raw: string | undefined): number {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '' || value === 'false' || value === 'no') return 0;
  if (value === 'true' || value === 'yes') return 1;
  const hops = Number(value);
  if (!Number.isInteger(hops) || hops < 0 || hops > 10) {
    throw new ConfigError(
      `TRUST_PROXY must be the number of proxies in front of the server (0-10), got "${raw}"`,
    );
  }
  return hops;
}

/** Whether the key file (`file`, or DATA_DIR's own when null) lies inside `dataDir`. */
export function keyInside(dataDir: string, file: string | null): boolean {
  if (file === null) return true;
  const rel = relative(dataDir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Validates a configuration from an environment-like record.
 *
 * @throws ConfigError with one line naming the bad variable
 * @example const config = loadConfig({ PORT: '8080', DATA_DIR: '/var/lib/mfa' });
 */
export function loadConfig(env: Env, cwd = process.cwd()): Config {
  const cookieSecure = env.COOKIE_SECURE || 'auto';
  if (cookieSecure !== 'auto' && cookieSecure !== 'always' && cookieSecure !== 'never') {
    throw new ConfigError(`COOKIE_SECURE must be auto, always or never, got "${cookieSecure}"`);
  }
  const host = env.HOST || '127.0.0.1';
  if (!/^[\w.:-]+$/.test(host))
    throw new ConfigError(`HOST must be a host name or address, got "${host}"`);
  const dataDir = resolve(cwd, env.DATA_DIR || './data');
  const encryptionKey = env.MFA_ENCRYPTION_KEY
    ? key('MFA_ENCRYPTION_KEY', env.MFA_ENCRYPTION_KEY)
    : null;
  const encryptionKeyFile = env.MFA_ENCRYPTION_KEY_FILE
    ? resolve(cwd, env.MFA_ENCRYPTION_KEY_FILE)
    : null;
  // A copy of DATA_DIR (a backup, a volume snapshot) would hold the database and the key that
  // decrypts every TOTP secret in it: production must say it accepts that.
  if (
    env.NODE_ENV === 'production' &&
    encryptionKey === null &&
    keyInside(dataDir, encryptionKeyFile) &&
    !bool(env, 'ALLOW_KEY_IN_DATA_DIR', false)
  ) {
    throw new ConfigError(
      'NODE_ENV=production keeps the encryption key out of DATA_DIR: set MFA_ENCRYPTION_KEY, or ' +
        'MFA_ENCRYPTION_KEY_FILE to a path outside DATA_DIR (or ALLOW_KEY_IN_DATA_DIR=1 to accept it)',
    );
  }
  const publicOrigins = origins(env.PUBLIC_ORIGIN);
  const demoPassword = env.DEMO_PASSWORD ?? 'demo-password';
  if (demoPassword.length < 8) throw new ConfigError('DEMO_PASSWORD must be at least 8 characters');
  return {
    port: int(env, 'PORT', 8787, 0, 65_535),
    host,
    dataDir,
    databaseUrl: databaseUrl(env.DATABASE_URL),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    encryptionKey,
    oldEncryptionKeys: (env.MFA_OLD_ENCRYPTION_KEYS || '')
      .split(',')
      .filter((k) => k.trim() !== '')
      .map((k) => key('MFA_OLD_ENCRYPTION_KEYS', k)),
    encryptionKeyFile,
    seedDemo: bool(env, 'SEED_DEMO', true),
    demoPassword,
    demoPasswordFromEnv: env.DEMO_PASSWORD !== undefined,
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 60, 1, 1_000_000_000),
    sessionIdleMs: int(env, 'SESSION_IDLE_MINUTES', 30, 1, 7 * 24 * 60) * 60_000,
    sessionAbsoluteMs: int(env, 'SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 365) * 3_600_000,
    trustProxy: proxyHops(env.TRUST_PROXY),
    hstsMaxAge: int(env, 'HSTS_MAX_AGE', 31_536_000, 0, 10 * 31_536_000),
    cookieSecure,
    publicOrigins,
    allowedHosts: [
      ...new Set([
        ...publicOrigins.map((o) => new URL(o).hostname),
        ...hostNames(env.ALLOWED_HOSTS),
      ]),
    ],
    companyName: env.COMPANY_NAME || DEMO_COMPANY,
    issuer: env.MFA_ISSUER || env.COMPANY_NAME || DEMO_COMPANY,
    pwaDir: resolve(cwd, env.PWA_DIR || './dist/pwa'),
    bmsDir: resolve(cwd, env.BMS_DIR || './dist/bms'),
    argon2: OWASP_ARGON2ID,
    limits: {
      mfaMaxFailures: 10,
      passwordMaxFailures: 10,
      passwordNameMaxFailures: 100,
      lockoutMs: 15 * 60_000,
      challengeTtlMs: 5 * 60_000,
      challengeMaxFailures: 5,
      enrolmentTtlMs: 10 * 60_000,
      recoveryCodeCount: 10,
      bodyLimitBytes: 16 * 1024,
    },
  };
}

/** Reads and validates `process.env` — the only place the server touches the environment. */
export function readConfig(): Config {
  return loadConfig(process.env);
}
