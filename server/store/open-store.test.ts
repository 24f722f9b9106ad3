import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from '../../test/support/postgres.ts';
import { ConfigError, loadConfig } from '../config/config.ts';
import { openStore } from './open-store.ts';

describe('openStore', () => {
  it('opens SQLite in an owner-only DATA_DIR when DATABASE_URL is unset', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mfa-open-')), 'data');
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.databaseUrl).toBeNull();
    const store = await openStore(config);
    try {
      expect(store.kind).toBe('sqlite');
      expect(statSync(dir).mode & 0o077).toBe(0);
      expect(await store.countUsers()).toBe(0);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens PostgreSQL, migrated, with the configured pool when DATABASE_URL is set', async () => {
    if (!(await postgresAvailable())) return;
    const db = await createTestDatabase('mfa_open');
    const store = await openStore(loadConfig({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: '3' }));
    try {
      expect(store.kind).toBe('postgres');
      expect(await store.getPolicy()).toEqual({ requireMfaForNonSsoUsers: false });
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe('database configuration', () => {
  it('reads DATABASE_URL and DATABASE_POOL_SIZE (default 10)', () => {
    const url = 'postgresql://mfa:pw@db.internal:5432/mfa';
    expect(loadConfig({ DATABASE_URL: url })).toMatchObject({
      databaseUrl: url,
      databasePoolSize: 10,
    });
    expect(loadConfig({ DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
  });

  it('refuses a non-PostgreSQL URL without echoing it (it may hold a password)', () => {
    const bad = () => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/DATABASE_URL/);
    expect(bad).not.toThrow(/hunter2/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});
