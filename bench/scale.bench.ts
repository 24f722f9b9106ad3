/**
 * A million users on both stores (`npm run bench -- scale`): seeds BENCH_USERS users (30 %
 * employees, 70 % contacts, 22 % with MFA and ten recovery codes) and BENCH_EVENTS audit events
 * straight into each store's tables (test/support/population.ts) with the migrations before
 * issue 24's, then opens the store, which builds the search and housekeeping indexes on the
 * populated tables (timed). Then, through the store contract, p50 / p95 of every listing,
 * search, deep page and audit filter; then, through the app (`app.request`: every middleware,
 * route and service), of the code step (`POST /api/login/mfa`) alone and while an admin client
 * runs back-to-back searches (`GET /api/admin/users?q=…`); the ratio of
 * the two p95s is the goal "at most 1.5×". Two more loads split that one in its halves: the
 * same searches sent straight to the store (the database's share), and the admin's HTTP
 * requests without a search (`GET /api/me`: the event loop's share). Bytes per user: the
 * database's size over its users.
 * PostgreSQL at TEST_DATABASE_URL (a fresh database, dropped after); BENCH_STORES=sqlite (or
 * postgres) runs one store only.
 */

import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createMfaClient, type MfaClient } from '../sdk/client/index.ts';
import { generateCode, type OtpAccount, parseKeyUri } from '../sdk/otp/index.ts';
import { keyringOf } from '../sdk/verifier/secret-box.ts';
import { createApp } from '../server/app.ts';
import { type Config, loadConfig } from '../server/config/config.ts';
import { createPasswordHasher } from '../server/crypto/passwords.ts';
import { createLogger } from '../server/logger.ts';
import type { Store, UserQuery } from '../server/store/contract.ts';
import { openPool } from '../server/store/postgres/pg-connection.ts';
import { migratePostgres } from '../server/store/postgres/pg-migrate.ts';
import { openPostgresStore } from '../server/store/postgres/postgres-store.ts';
import { migrate } from '../server/store/sqlite/migrate.ts';
import { openSqliteStore, sqliteMigrationsDir } from '../server/store/sqlite/sqlite-store.ts';
import {
  auditOf,
  personOf,
  seedPostgresPopulation,
  seedSqlitePopulation,
} from '../test/support/population.ts';
import { connect, createTestDatabase } from '../test/support/postgres.ts';
import { wholeNumberFromEnv } from './support/env.ts';

const USERS = wholeNumberFromEnv('BENCH_USERS', 1_000_000, 10_000);
const EVENTS = wholeNumberFromEnv('BENCH_EVENTS', 1_000_000, 10_000);
const SAMPLES = wholeNumberFromEnv('BENCH_SAMPLES', 200, 20);
const pgMigrations = fileURLToPath(new URL('../server/store/postgres/migrations', import.meta.url));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
/** p50 and p95 in ms of `SAMPLES` sequential calls of `fn` (after a few unmeasured ones). */
async function timed(fn: (i: number) => Promise<unknown>): Promise<[number, number]> {
  for (let i = 0; i < 5; i++) await fn(i);
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    await fn(i + 5);
    ms.push(performance.now() - t);
  }
  return [pct(ms, 50), pct(ms, 95)];
}

// Users picked across the table, the same on both stores.
const pick = (i: number) => 1 + ((i * 104_729) % USERS);
const localPart = (k: number) => personOf(k).username.split('@')[0]!;
/** The admin listing's search of the code-step rows: a surname, about ten hits. */
const substringSearch = (i: number) => ({ q: localPart(pick(i)).split('.')[1]!, limit: 10 });

type Row = [string, (store: Store) => (i: number) => Promise<unknown>];
const list = (q: (i: number) => UserQuery) => (s: Store) => (i: number) => s.listUsers(q(i));
const DAY = 86_400_000;
const rows: Row[] = [
  ['employees, first page of 10', list(() => ({ kind: 'employee', limit: 10 }))],
  ['contacts, first page of 10', list(() => ({ kind: 'contact', limit: 10 }))],
  ['contacts with MFA, first page', list(() => ({ kind: 'contact', mfa: 'enabled', limit: 10 }))],
  [
    'contacts, deep page (cursor at 90 %)',
    list((i) => ({ kind: 'contact', limit: 10, cursor: Math.floor(USERS * 0.9) + i })),
  ],
  ['search by e-mail prefix (1–2 hits)', list((i) => ({ q: `${localPart(pick(i))}@`, limit: 10 }))],
  [
    'search by substring (~10 hits)',
    list((i) => ({ q: localPart(pick(i)).split('.')[1]!, limit: 10 })),
  ],
  ['search that matches nothing', list((i) => ({ q: `qx${i}zv`, limit: 10 }))],
  [
    'search for a common term',
    list((i) => ({ q: ['smith', 'weber', 'anna', 'acme'][i % 4]!, limit: 10 })),
  ],
  ['search of two characters (window)', list((i) => ({ q: `q${i % 10}`, limit: 10 }))],
  [
    'count of contacts (capped at 10 000)',
    (s) => () => s.countUserMatches({ kind: 'contact' }, 10_000),
  ],
  [
    'count of a common term (capped at 10 000)',
    (s) => (i) => s.countUserMatches({ q: ['smith', 'weber', 'anna', 'acme'][i % 4]! }, 10_000),
  ],
  ['audit log, first page of 50', (s) => () => s.listAudit({ limit: 50 })],
  ['audit log, deep page', (s) => (i) => s.listAudit({ limit: 50, cursor: 1000 + i })],
  [
    'audit by actor',
    (s) => (i) => s.listAudit({ limit: 50, actor: auditOf(1 + i * 997, USERS).actor }),
  ],
  ['audit by action', (s) => (i) => s.listAudit({ limit: 50, action: auditOf(i, USERS).action })],
  [
    'audit by one day',
    (s) => (i) => {
      const from = auditOf(1 + ((i * 4999) % EVENTS), USERS).at;
      return s.listAudit({ limit: 50, from, to: from + DAY });
    },
  ],
];

const BENCH_PASSWORD = 'bench password, not a secret';
const CHEAP_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/**
 * The app over `store`, answering in process (`app.request`: the whole middleware chain, route,
 * services and store, no sockets), with cheap argon2id: the bench times the code step, not
 * password hashing.
 */
function benchApp(store: Store) {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-bench-app-'));
  const config: Config = {
    ...loadConfig({ DATA_DIR: dir }),
    argon2: CHEAP_ARGON2,
    rateLimitPerMinute: 1_000_000_000,
  };
  const app = createApp({
    store,
    config,
    keyring: keyringOf([randomBytes(32)]),
    hasher: createPasswordHasher(CHEAP_ARGON2),
    logger: createLogger(() => {}),
  });
  const client = () =>
    createMfaClient({
      baseUrl: 'http://localhost',
      fetch: async (url, init) => app.request(String(url), init),
    });
  return { client, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `n` users enrolled through the API, each signed in up to the code step: `step(i)` sends user
 * i's code (once each: the replay guard allows one per time step).
 */
async function codeSteps(store: Store, client: () => MfaClient, n: number) {
  const hash = await createPasswordHasher(CHEAP_ARGON2).hash(BENCH_PASSWORD);
  const pending: { client: MfaClient; account: OtpAccount; challengeId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const username = `bench.code.${i}@bench.test`;
    await store.createUser(
      {
        username,
        name: `Bench ${i}`,
        kind: 'employee',
        role: 'user',
        authType: 'password',
        passwordHash: hash,
      },
      Date.now(),
    );
    const enrolling = client();
    await enrolling.login({ username, password: BENCH_PASSWORD });
    const { otpauthUri } = await enrolling.startMfaSetup();
    const account = parseKeyUri(otpauthUri);
    await enrolling.enableMfa({ code: generateCode(account, Date.now()) });
    const signingIn = client();
    const answer = await signingIn.login({ username, password: BENCH_PASSWORD });
    if (answer.status !== 'mfa_required') throw new Error(`login answered ${answer.status}`);
    pending.push({ client: signingIn, account, challengeId: answer.challengeId });
  }
  return async (i: number) => {
    const { client: c, account, challengeId } = pending[i]!;
    // The next step's code: later than the step enabling used, inside the ±1 window.
    await c.loginMfa({ challengeId, code: generateCode(account, Date.now() + 30_000) });
  };
}

/** An admin signed in through the API, searching as the listing page does. */
async function adminSearches(store: Store, client: () => MfaClient) {
  const username = 'bench.admin@bench.test';
  const passwordHash = await createPasswordHasher(CHEAP_ARGON2).hash(BENCH_PASSWORD);
  await store.createUser(
    {
      username,
      name: 'Bench Admin',
      kind: 'employee',
      role: 'admin',
      authType: 'password',
      passwordHash,
    },
    Date.now(),
  );
  const admin = client();
  await admin.login({ username, password: BENCH_PASSWORD });
  return (i: number) => admin.listUsers(substringSearch(i));
}

/** The admin of {@link adminSearches} again, reading their own profile: HTTP without a search. */
async function adminProfileReads(client: () => MfaClient) {
  const admin = client();
  await admin.login({ username: 'bench.admin@bench.test', password: BENCH_PASSWORD });
  return () => admin.me();
}

const QUIET = 'code step, quiet';
/**
 * The loads another client runs beside the code step, back to back: the goal's first, then each
 * half of it alone, to tell which half slows the code step. Each has its row of the table, its
 * ratio's row and the name its count goes by in the log.
 */
const BESIDE = [
  {
    what: 'admin searches',
    row: 'code step while an admin searches',
    ratio: 'code step p95, searching / quiet (goal ≤ 1.5)',
  },
  {
    what: 'searches on the store',
    row: 'code step beside the same searches on the store, no HTTP',
    ratio: 'p95 beside the searches on the store / quiet',
  },
  {
    what: 'admin profile reads',
    row: 'code step beside an admin reading their profile, no search',
    ratio: 'p95 beside the profile reads / quiet',
  },
] as const;
/** p50 and p95 in ms of each row of the table, by its name. */
type Figures = Map<string, [number, number]>;

async function measure(store: Store): Promise<Figures> {
  const out: Figures = new Map();
  for (const [name, make] of rows) out.set(name, await timed(make(store)));
  // The code step over the app, alone, then beside each load of BESIDE.
  const app = benchApp(store);
  try {
    // Each code step takes a user of its own: one set for the quiet run and one per load.
    const step = await codeSteps(store, app.client, (BESIDE.length + 1) * (SAMPLES + 5));
    const search = await adminSearches(store, app.client);
    let n = 0;
    out.set(QUIET, await timed(() => step(n++)));
    const profile = await adminProfileReads(app.client);
    const loads: Record<(typeof BESIDE)[number]['what'], (i: number) => Promise<unknown>> = {
      'admin searches': search,
      // The database's share: the same searches without HTTP.
      'searches on the store': (i) => store.listUsers(substringSearch(i)),
      // The event loop's share: the admin's HTTP requests without a search.
      'admin profile reads': async () => {
        await profile();
        // The next request comes as an I/O event of its own, as over a socket: SQLite answers
        // a profile read synchronously, and a loop of promises only would never let the code
        // step run. (The searches wait on the read thread or the database already.)
        await new Promise(setImmediate);
      },
    };
    for (const { what, row } of BESIDE) {
      const load = loads[what];
      let running = true;
      let ran = 0;
      const admin = (async () => {
        while (running) await load(ran++);
      })();
      out.set(row, await timed(() => step(n++)));
      running = false;
      await admin;
      console.log(`  (${ran} ${what} ran beside the code steps)`);
    }
  } finally {
    app.done();
  }
  return out;
}

async function sqlite(): Promise<{ figures: Figures; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-bench-scale-'));
  try {
    const path = join(dir, 'mfa.db');
    const before = join(dir, 'migrations');
    mkdirSync(before);
    for (const f of readdirSync(sqliteMigrationsDir).filter((f) => f < '0004')) {
      copyFileSync(join(sqliteMigrationsDir, f), join(before, f));
    }
    let t = performance.now();
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    migrate(db, before);
    seedSqlitePopulation(db, USERS, EVENTS);
    db.close();
    console.log(`sqlite: seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    const store = openSqliteStore({ path });
    await store.migrate();
    console.log(
      `sqlite: migration 0004 on the populated file ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const figures = await measure(store);
    await store.close();
    return { figures, bytes: statSync(path).size / USERS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(): Promise<{ figures: Figures; bytes: number }> {
  const db = await createTestDatabase('mfa_bench_scale');
  const dir = mkdtempSync(join(tmpdir(), 'mfa-bench-pg-'));
  try {
    for (const f of readdirSync(pgMigrations).filter((f) => f < '0003')) {
      copyFileSync(join(pgMigrations, f), join(dir, f));
    }
    const pool = openPool({ url: db.url, poolSize: 1 });
    await migratePostgres(pool, dir);
    await pool.end();
    let t = performance.now();
    const seeder = await connect(db.url);
    await seedPostgresPopulation(seeder, USERS, EVENTS);
    console.log(`postgres: seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    const store = openPostgresStore({ url: db.url, poolSize: 10 });
    await store.migrate();
    console.log(
      `postgres: migration 0003 (concurrent index builds) ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    await seeder.query('VACUUM ANALYZE');
    const figures = await measure(store);
    const { rows: size } = await seeder.query<{ n: string }>(
      'SELECT pg_database_size(current_database()) AS n',
    );
    await seeder.end();
    await store.close();
    return { figures, bytes: Number(size[0]!.n) / USERS };
  } finally {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const only = process.env.BENCH_STORES ?? 'sqlite,postgres';
const none = { figures: new Map() as Figures, bytes: Number.NaN };
const s = only.includes('sqlite') ? await sqlite() : none;
const p = only.includes('postgres') ? await postgres() : none;
const f = (x: [number, number] | undefined) =>
  x ? `${x[0].toFixed(2)} / ${x[1].toFixed(2)}` : '–';
console.log(`\n${USERS} users, ${EVENTS} audit events, ${SAMPLES} samples a row\n`);
console.log('| at scale, p50 / p95 ms | SQLite | PostgreSQL |\n|---|---:|---:|');
const names = [...rows.map(([n]) => n), QUIET, ...BESIDE.map((b) => b.row)];
for (const name of names) {
  console.log(`| ${name} | ${f(s.figures.get(name))} | ${f(p.figures.get(name))} |`);
}
// A store that did not run shows a dash, not "–×" or NaN.
const ratio = (x: Figures, row: string) =>
  x.size > 0 ? `${(x.get(row)![1] / x.get(QUIET)![1]).toFixed(2)}×` : '–';
for (const b of BESIDE) {
  console.log(`| ${b.ratio} | ${ratio(s.figures, b.row)} | ${ratio(p.figures, b.row)} |`);
}
const bytes = (x: number) => (Number.isNaN(x) ? '–' : String(Math.round(x)));
console.log(`| bytes per user (whole database) | ${bytes(s.bytes)} | ${bytes(p.bytes)} |`);
