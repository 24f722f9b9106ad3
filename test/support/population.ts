/**
 * A deterministic population of a large BMS, written straight into either store's tables in
 * its own layout (multi-row inserts in big transactions), for the scale bench and the plan
 * tests: 30 % employees, 70 % contacts, 22 % with an active factor and ten recovery codes, 2 %
 * with a set-up never confirmed (expired, for housekeeping), 2 % SAML users, and audit events
 * spread over a year, oldest first. Factors and codes go into the
 * verifier's tables (`mfa_verifier_*`, the user's id as text), which each store's `migrate`
 * creates before the server's own migrations, so a database migrated to any earlier version
 * takes them. Nothing verifies a code of theirs: the secrets are placeholders, not sealed.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type pg from 'pg';

const FIRST = (
  'anna ben carla dan eva finn gina hugo ida jon kim leo mia nils olga paul quinn rosa sam ' +
  'tina uwe vera will xena yuri zoe abe beth cy dora eli fay gus hal iris jack kate liam'
).split(' ');
const LAST = (
  'smith meyer weber fischer wagner becker schulz hoffmann koch richter klein wolf neumann ' +
  'schwarz braun zimmer kruger hartmann lange werner krause lehmann schmitt jung hahn vogel ' +
  'keller frank berger roth beck lorenz baumann franke albrecht graf ludwig engel kuhn'
).split(' ');
const COMPANY = (
  'acme globex initech umbrella hooli vandelay wonka stark wayne tyrell cyberdyne soylent ' +
  'oscorp aperture gringotts monarch nakatomi duff'
).split(' ');
const ACTIONS = [
  'login.succeeded',
  'login.failed',
  'mfa.enabled',
  'mfa.reset',
  'mfa.disabled',
  'session.ended',
  'policy.changed',
  'recovery.regenerated',
];
const T0 = Date.UTC(2026, 0, 1);
const YEAR = 365 * 86_400_000;
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** User `i` (from 1) of the population: the same on every store and every run. */
export function personOf(i: number) {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const company = COMPANY[i % COMPANY.length]!;
  const employee = i % 10 < 3;
  return {
    id: i,
    username: `${first}.${last}${i}@${employee ? 'bms' : company}.test`,
    name: `${cap(first)} ${cap(last)}`,
    kind: employee ? 'employee' : 'contact',
    authType: i % 50 === 7 ? 'saml' : 'password',
    // Spread over the ids, not in blocks, like real enrolments.
    mfa: (i * 37) % 100 < 22,
    abandonedSetup: (i * 37) % 100 >= 22 && (i * 37) % 100 < 24,
  } as const;
}

/** Audit event `i` (from 1): times grow with ids, like an append-only log. */
export function auditOf(i: number, users: number) {
  const actor = personOf(1 + ((i * 7919) % users)).username;
  return {
    at: T0 + Math.floor((i * YEAR) / 1_000_000),
    actor,
    action: ACTIONS[i % ACTIONS.length]!,
    target: actor,
    ip: `10.${i % 200}.${(i >> 8) % 250}.${i % 250}`,
  };
}

const BATCH = 20_000;
/** When an abandoned set-up stopped waiting for its first code. */
const SETUP_EXPIRY = T0 + 10 * 60_000;
const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Seeds `users` users (ids 1…users) and `events` audit events into an SQLite store's file. */
export function seedSqlitePopulation(db: Database.Database, users: number, events: number): void {
  const user = db.prepare(`INSERT INTO users (id, username, name, kind, role, auth_type,
    password_hash, created_at) VALUES (?, ?, ?, ?, 'user', ?, NULL, ?)`);
  const factor = db.prepare(`INSERT INTO mfa_verifier_factors (user_id, status, secret, issuer,
    account, last_step, created_at, enabled_at)
    VALUES (?, 'active', ?, 'MFA Companion', ?, 0, ?, ?)`);
  const setup = db.prepare(`INSERT INTO mfa_verifier_factors (user_id, status, secret, issuer,
    account, created_at, expires_at) VALUES (?, 'pending', ?, 'MFA Companion', ?, ?, ?)`);
  const code = db.prepare(
    'INSERT INTO mfa_verifier_recovery_codes (user_id, code_hash) VALUES (?, ?)',
  );
  const audit = db.prepare(
    'INSERT INTO audit_events (at, actor, action, target, ip) VALUES (?, ?, ?, ?, ?)',
  );
  const usersBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const p = personOf(i);
      user.run(i, p.username, p.name, p.kind, p.authType, T0);
      if (p.abandonedSetup)
        setup.run(String(i), `v1.bench.${hex(`s${i}`)}`, p.username, T0, SETUP_EXPIRY);
      if (!p.mfa) continue;
      factor.run(String(i), `v1.bench.${hex(`s${i}`)}`, p.username, T0, T0);
      for (let k = 0; k < 10; k++) code.run(String(i), hex(`${i}:${k}`));
    }
  });
  for (let from = 1; from <= users; from += BATCH) {
    usersBatch(from, Math.min(users + 1, from + BATCH));
  }
  const auditBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const e = auditOf(i, users);
      audit.run(e.at, e.actor, e.action, e.target, e.ip);
    }
  });
  for (let from = 1; from <= events; from += BATCH) {
    auditBatch(from, Math.min(events + 1, from + BATCH));
  }
}

/** The same population into a PostgreSQL store, one `unnest` insert per batch and table. */
export async function seedPostgresPopulation(
  client: pg.ClientBase,
  users: number,
  events: number,
): Promise<void> {
  for (let from = 1; from <= users; from += BATCH) {
    const people = Array.from({ length: Math.min(BATCH, users + 1 - from) }, (_, k) =>
      personOf(from + k),
    );
    const withMfa = people.filter((p) => p.mfa);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO users (id, username, name, kind, role, auth_type, password_hash, created_at)
       SELECT id, username, name, kind, 'user', auth_type, NULL, $6
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[])
         AS t (id, username, name, kind, auth_type)`,
      [
        people.map((p) => p.id),
        people.map((p) => p.username),
        people.map((p) => p.name),
        people.map((p) => p.kind),
        people.map((p) => p.authType),
        T0,
      ],
    );
    await client.query(
      `INSERT INTO mfa_verifier_factors (user_id, status, secret, issuer, account, last_step,
         created_at, enabled_at)
       SELECT u::text, 'active', s, 'MFA Companion', a, 0, $4, $4
       FROM unnest($1::int[], $2::text[], $3::text[]) AS t (u, s, a)`,
      [
        withMfa.map((p) => p.id),
        withMfa.map((p) => `v1.bench.${hex(`s${p.id}`)}`),
        withMfa.map((p) => p.username),
        T0,
      ],
    );
    const abandoned = people.filter((p) => p.abandonedSetup);
    await client.query(
      `INSERT INTO mfa_verifier_factors (user_id, status, secret, issuer, account, created_at,
         expires_at)
       SELECT u::text, 'pending', s, 'MFA Companion', a, $4, $5
       FROM unnest($1::int[], $2::text[], $3::text[]) AS t (u, s, a)`,
      [
        abandoned.map((p) => p.id),
        abandoned.map((p) => `v1.bench.${hex(`s${p.id}`)}`),
        abandoned.map((p) => p.username),
        T0,
        SETUP_EXPIRY,
      ],
    );
    const codeUsers = withMfa.flatMap((p) => Array<number>(10).fill(p.id));
    await client.query(
      `INSERT INTO mfa_verifier_recovery_codes (user_id, code_hash)
       SELECT u::text, h FROM unnest($1::int[], $2::text[]) AS t (u, h)`,
      [codeUsers, codeUsers.map((u, k) => hex(`${u}:${k % 10}`))],
    );
    await client.query('COMMIT');
  }
  await client.query(
    "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))",
  );
  for (let from = 1; from <= events; from += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, events + 1 - from) }, (_, k) =>
      auditOf(from + k, users),
    );
    await client.query(
      `INSERT INTO audit_events (at, actor, action, target, ip)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        batch.map((e) => e.at),
        batch.map((e) => e.actor),
        batch.map((e) => e.action),
        batch.map((e) => e.target),
        batch.map((e) => e.ip),
      ],
    );
  }
}
