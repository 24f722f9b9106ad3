/**
 * The verification benchmark against PostgreSQL with two server instances sharing one database,
 * next to SQLite with one instance, measured in the same run on the same machine:
 * (a) code verifications — each of N users submits its next valid code once on a waiting login
 *     challenge, the full path (rate limit, challenge, the user's row lock, decrypt, HMAC, durable
 *     replay-guard write, session, audit), 32 in flight, round-robin over the instances;
 * (b) session reads — `GET /api/me` under autocannon against every instance at once.
 * Run: `npm run bench -- server-postgres` (needs PostgreSQL at TEST_DATABASE_URL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../server/store/contract.ts';
import { openPostgresStore } from '../server/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../server/store/sqlite/sqlite-store.ts';
import { Browser } from '../test/multi-instance/support/browser.ts';
import { startInstances } from '../test/multi-instance/support/instances.ts';
import { createTestDatabase, postgresAvailable } from '../test/support/postgres.ts';
import { sessionReads } from './support/postgres-cannon.ts';
import {
  type Figures,
  PASSWORD,
  prepareLogins,
  seedBenchUsers,
  verifyAll,
} from './support/postgres-workload.ts';

const USERS = 300;
const SECONDS = 5;

async function measure(
  label: string,
  instances: number,
  env: Record<string, string>,
  seed: () => Promise<Store>,
) {
  const store = await seed();
  const names = await seedBenchUsers(store, USERS + 1);
  await store.close();
  const servers = await startInstances(instances, env);
  try {
    const bases = servers.map((s) => s.url);
    const pending = await prepareLogins(bases, names.slice(1));
    const verify = await verifyAll(pending, 32);
    const reader = new Browser();
    await reader.post(bases[0]!, '/api/login', { username: names[0], password: PASSWORD });
    const cookie = `mfa_session=${reader.cookie('mfa_session')}`;
    const reads = await sessionReads(bases, cookie, SECONDS);
    return { label, verify, reads };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

const row = (label: string, f: Pick<Figures, 'perSecond' | 'p50' | 'p99'>, extra = '') =>
  `${label.padEnd(44)} ${f.perSecond.toFixed(0).padStart(7)}/s   p50 ${f.p50.toFixed(1).padStart(6)} ms   p99 ${f.p99.toFixed(1).padStart(6)} ms ${extra}`;

if (!(await postgresAvailable())) process.exit(0);

const dir = mkdtempSync(join(tmpdir(), 'mfa-bench-sqlite-'));
const sqlite = await measure('SQLite, 1 instance', 1, { DATA_DIR: dir }, async () => {
  const s = openSqliteStore({ path: join(dir, 'mfa.db') });
  await s.migrate();
  return s;
});
rmSync(dir, { recursive: true, force: true });

const db = await createTestDatabase('mfa_bench');
const pg = await (async () => {
  try {
    const env = { DATABASE_URL: db.url, DATABASE_POOL_SIZE: '10' };
    return await measure('PostgreSQL, 2 instances', 2, env, async () => {
      const s = openPostgresStore({ url: db.url, poolSize: 2 });
      await s.migrate();
      return s;
    });
  } finally {
    await db.drop();
  }
})();

console.log(`\n(a) code verifications, ${USERS} users, one valid code each, 32 in flight`);
for (const r of [sqlite, pg])
  console.log(row(r.label, r.verify, `(${r.verify.ok}/${r.verify.total} accepted)`));
console.log(
  `    ratio PostgreSQL×2 / SQLite×1: ${(pg.verify.perSecond / sqlite.verify.perSecond).toFixed(2)}`,
);
console.log(`\n(b) session reads GET /api/me, autocannon ${SECONDS} s against every instance`);
for (const r of [sqlite, pg])
  console.log(row(r.label, r.reads, r.reads.errors ? `(${r.reads.errors} errors)` : ''));
console.log(
  `    ratio PostgreSQL×2 / SQLite×1: ${(pg.reads.perSecond / sqlite.reads.perSecond).toFixed(2)}`,
);
