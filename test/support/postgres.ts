import pg from 'pg';
import { announceSkip, mustRunEverything } from './environment.ts';

/**
 * Admin URL of the machine's PostgreSQL (TEST_DATABASE_URL; .ci/run points it at the local
 * server). Each suite makes its own fresh database from it and drops it afterwards.
 */
export const adminDatabaseUrl =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Checks that PostgreSQL answers. Under CI=true an unreachable server throws (the run fails);
 * by hand the caller skips after a loud message.
 */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({
    connectionString: adminDatabaseUrl,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    const reason = `PostgreSQL unreachable at ${redact(adminDatabaseUrl)} (${(error as Error).message})`;
    if (mustRunEverything) throw new Error(`${reason}; required under CI=true`);
    announceSkip('PostgreSQL tests', reason);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A connection of its own to `url` for a test's admin statements (kills, outages, truncates),
 * outside any store's pool; `end()` it afterwards.
 *
 * @example const admin = await connect(adminDatabaseUrl); await admin.query('select 1');
 */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // A test that kills backends may kill this one's too: that must not be an uncaught error.
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Creates a uniquely named empty database and returns its URL and a function that drops it. */
export async function createTestDatabase(
  prefix = 'mfa_test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = await connect(adminDatabaseUrl);
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const admin = await connect(adminDatabaseUrl);
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
