import { describe, expect, it } from 'vitest';
import { keyPlacementWarning } from '../crypto/keyring.ts';
import { ConfigError, loadConfig, OWASP_ARGON2ID } from './config.ts';

describe('loadConfig', () => {
  it('has the documented defaults, with OWASP argon2id parameters', () => {
    const c = loadConfig({}, '/srv');
    expect(c).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      dataDir: '/srv/data',
      encryptionKey: null,
      seedDemo: true,
      demoPassword: 'demo-password',
      rateLimitPerMinute: 60,
      sessionIdleMs: 30 * 60_000,
      sessionAbsoluteMs: 12 * 3_600_000,
      cookieSecure: 'auto',
      argon2: { memoryCost: 19_456, timeCost: 2, parallelism: 1 },
    });
    expect(c.argon2).toBe(OWASP_ARGON2ID);
  });

  it("names the company in the issuer: the demo company's name by default, COMPANY_NAME, or MFA_ISSUER", () => {
    expect(loadConfig({}, '/srv')).toMatchObject({
      companyName: 'Demo Company',
      issuer: 'Demo Company',
    });
    expect(loadConfig({ COMPANY_NAME: 'Acme Ltd' }, '/srv')).toMatchObject({
      companyName: 'Acme Ltd',
      issuer: 'Acme Ltd',
    });
    expect(loadConfig({ COMPANY_NAME: 'Acme Ltd', MFA_ISSUER: 'Acme' }, '/srv')).toMatchObject({
      companyName: 'Acme Ltd',
      issuer: 'Acme',
    });
  });

  it('reads every variable', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const c = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/x',
      MFA_ENCRYPTION_KEY: key,
      SEED_DEMO: '0',
      DEMO_PASSWORD: 'another-pass',
      RATE_LIMIT_PER_MINUTE: '5',
      SESSION_IDLE_MINUTES: '10',
      SESSION_ABSOLUTE_HOURS: '2',
      TRUST_PROXY: 'true',
      COOKIE_SECURE: 'never',
      PUBLIC_ORIGIN: 'https://mfa.example.com/, http://10.0.0.2:8787',
    });
    expect(c).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/tmp/x',
      seedDemo: false,
      demoPassword: 'another-pass',
      rateLimitPerMinute: 5,
      sessionIdleMs: 600_000,
      sessionAbsoluteMs: 7_200_000,
      trustProxy: 1,
      cookieSecure: 'never',
      publicOrigins: ['https://mfa.example.com', 'http://10.0.0.2:8787'],
    });
    expect(c.encryptionKey?.equals(Buffer.alloc(32, 7))).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be a whole number/],
    [{ PORT: '70000' }, /^PORT must/],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, /^RATE_LIMIT_PER_MINUTE/],
    [{ SEED_DEMO: 'maybe' }, /^SEED_DEMO must be 1 or 0/],
    [{ MFA_ENCRYPTION_KEY: 'c2hvcnQ=' }, /^MFA_ENCRYPTION_KEY must be 32 random bytes/],
    [{ COOKIE_SECURE: 'sometimes' }, /^COOKIE_SECURE/],
    [{ PUBLIC_ORIGIN: 'ftp://x' }, /^PUBLIC_ORIGIN/],
    [{ DEMO_PASSWORD: 'short' }, /^DEMO_PASSWORD/],
    [{ HOST: 'a b' }, /^HOST/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('the encryption key beside the database', () => {
  const key = Buffer.alloc(32, 7).toString('base64');
  const refused = /NODE_ENV=production keeps the encryption key out of DATA_DIR/;

  it('is the zero-setup default outside production', () => {
    expect(loadConfig({ DATA_DIR: '/srv/mfa' }, '/').encryptionKeyFile).toBeNull();
  });

  it('stops a production start unless the key lives elsewhere or the operator accepts it', () => {
    const prod = { NODE_ENV: 'production', DATA_DIR: '/srv/mfa' };
    expect(() => loadConfig(prod, '/')).toThrow(refused);
    expect(() => loadConfig({ ...prod, MFA_ENCRYPTION_KEY_FILE: '/srv/mfa/sub/k' }, '/')).toThrow(
      refused,
    );
    expect(loadConfig({ ...prod, MFA_ENCRYPTION_KEY: key }, '/').encryptionKey).toHaveLength(32);
    expect(
      loadConfig({ ...prod, MFA_ENCRYPTION_KEY_FILE: '/etc/mfa/key' }, '/').encryptionKeyFile,
    ).toBe('/etc/mfa/key');
    expect(
      loadConfig({ ...prod, MFA_ENCRYPTION_KEY_FILE: '/srv/mfa-keys/k' }, '/').encryptionKeyFile,
    ).toBe('/srv/mfa-keys/k');
    expect(loadConfig({ ...prod, ALLOW_KEY_IN_DATA_DIR: '1' }, '/').encryptionKeyFile).toBeNull();
  });

  it('is said loudly at start-up, and not once the key is elsewhere', () => {
    const base = loadConfig({ DATA_DIR: '/srv/mfa' }, '/');
    expect(keyPlacementWarning(base)).toMatch(/WARNING: .*beside the database/);
    expect(keyPlacementWarning({ ...base, encryptionKeyFile: '/etc/mfa/key' })).toBeNull();
    expect(keyPlacementWarning({ ...base, encryptionKey: Buffer.alloc(32) })).toBeNull();
  });
});
