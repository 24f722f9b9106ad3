/**
 * The SQLite store at scale: the 0004 migration on a populated database, search semantics
 * against a reference filter, and EXPLAIN QUERY PLAN of every listing, search, audit filter and
 * housekeeping statement over a seeded file (each must search an index, never scan or sort a
 * table). Figures at a million users: `npm run bench -- scale`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRUNE_EXPIRED_ENROLMENTS } from '../../sdk/verifier/store/statements.ts';
import type { Store } from '../../server/store/contract.ts';
import { HOUSEKEEPING_BATCH } from '../../server/store/housekeeping.ts';
import { migrate } from '../../server/store/sqlite/migrate.ts';
import { openSqliteStore, sqliteMigrationsDir } from '../../server/store/sqlite/sqlite-store.ts';
import {
  auditPageStatement,
  endSessionsWithoutMfaStatement,
  PRUNE_CHALLENGES_BATCH,
  PRUNE_EXPIRED_SESSIONS_BATCH,
  PRUNE_IDLE_SESSIONS_BATCH,
  SESSION_WINDOW_END,
  USER_SCAN_WINDOW_END,
  userPageStatement,
} from '../../server/store/statements.ts';
import { SEARCH_SCAN_WINDOW } from '../../server/store/user-page.ts';
import { seedSqlitePopulation } from '../support/population.ts';
import {
  expectedCount,
  expectedSearch,
  searchAll,
  searchCases,
  specialPeople,
} from './search-cases.ts';

const USERS = 20_000;
let dir: string;
let path: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-scale-'));
  path = join(dir, 'mfa.db');
  // A database as the releases before 0004 left it, populated.
  const before = join(dir, 'migrations');
  mkdirSync(before);
  for (const f of readdirSync(sqliteMigrationsDir).filter((f) => f < '0004')) {
    copyFileSync(join(sqliteMigrationsDir, f), join(before, f));
  }
  const old = new Database(path);
  old.pragma('journal_mode = WAL');
  migrate(old, before);
  seedSqlitePopulation(old, USERS, USERS);
  old.close();
  store = openSqliteStore({ path });
  await store.migrate();
  for (const p of specialPeople) await store.createUser(p, 0);
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sqlite search', () => {
  it('indexes the users a populated database had before the migration', async () => {
    const page = await store.listUsers({ q: 'anna.smith0@', limit: 10 });
    expect(page.users.map((u) => u.username)).toEqual([]);
    const hit = await store.listUsers({ q: 'BEN.SMITH1@', limit: 10 });
    expect(hit.users.map((u) => u.id)).toEqual([1]);
  });

  it.each(searchCases)('finds what a case-insensitive substring filter finds: %s', async (q) => {
    const found = await searchAll(store, q);
    const users = (await store.listUsers({ limit: 200, cursor: USERS })).users;
    expect(found).toEqual(expectedSearch(q, USERS, users));
  });

  it.each(searchCases)('counts what the search finds, up to the cap: %s', async (q) => {
    const found = await searchAll(store, q);
    for (const cap of [3, 10_000]) {
      expect(await store.countUserMatches({ q }, cap)).toEqual(expectedCount(q, found, cap));
    }
  });

  it('reads at most one window of users per page for a query no index serves', async () => {
    // "zq" is in no username or name: each page is empty and says where to read on.
    const first = await store.listUsers({ q: 'zq', limit: 10 });
    expect(first).toEqual({ users: [], nextCursor: SEARCH_SCAN_WINDOW });
    const second = await store.listUsers({ q: 'zq', limit: 10, cursor: first.nextCursor! });
    expect(second).toEqual({ users: [], nextCursor: 2 * SEARCH_SCAN_WINDOW });
  });

  it('keeps the index in step with inserted and renamed users', async () => {
    const u = (await store.createUser(
      {
        username: 'fresh.face@x.test',
        name: 'Fresh Face',
        kind: 'contact',
        role: 'user',
        authType: 'password',
        passwordHash: null,
      },
      0,
    ))!;
    expect((await store.listUsers({ q: 'fresh.fa', limit: 5 })).users.map((x) => x.id)).toEqual([
      u.id,
    ]);
    const db = new Database(path);
    db.prepare("UPDATE users SET name = 'Other Name' WHERE id = ?").run(u.id);
    db.close();
    expect((await store.listUsers({ q: 'Fresh Face', limit: 5 })).users).toEqual([]);
    expect((await store.listUsers({ q: 'other nam', limit: 5 })).users).toHaveLength(1);
  });
});

describe('sqlite plans', () => {
  let db: Database.Database;
  beforeAll(() => {
    db = new Database(path, { readonly: true });
  });
  afterAll(() => db?.close());
  const plan = (text: string, values: unknown[]) => {
    const named: Record<number, unknown> = {};
    values.forEach((v, i) => {
      named[i + 1] = v;
    });
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(named) as { detail: string }[];
    return rows.map((r) => r.detail).join('\n');
  };
  // A table read whole, or rows sorted after the fact: what a page must never cost.
  const scansOrSorts =
    /^(SCAN (u|users|audit_events|sessions|challenges|f|mfa_verifier_factors)\b(?! USING))|TEMP B-TREE/m;

  it.each([
    ['all users', { kind: false, windowEnd: false }, [0, 11], /SEARCH u USING INTEGER PRIMARY KEY/],
    [
      'one kind',
      { kind: true, windowEnd: false },
      [0, 11, 'employee'],
      /SEARCH u USING (COVERING )?INDEX users_by_kind \(kind=\? AND (rowid|id)>\?\)/,
    ],
    [
      'MFA disabled',
      { kind: false, mfa: 'disabled', windowEnd: false },
      [0, 11],
      /SEARCH f USING PRIMARY KEY \(user_id=\?\)/,
    ],
    [
      'indexed search',
      { kind: true, search: 'index', windowEnd: false },
      [0, 11, 'contact', '"smith"'],
      /SCAN s VIRTUAL TABLE INDEX/,
    ],
    [
      'short search',
      { kind: false, search: 'scan', windowEnd: true },
      [0, 11, '%a%', 5000],
      /SEARCH u USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/,
    ],
  ] as const)('a page of %s searches an index', (_, shape, values, uses) => {
    const text = plan(userPageStatement('sqlite', shape), [...values]);
    expect(text).toMatch(uses);
    expect(text).not.toMatch(scansOrSorts);
  });

  it('finds a scan window’s end on the primary key', () => {
    expect(plan(USER_SCAN_WINDOW_END, [0, 10])).toMatch(/SEARCH users USING INTEGER PRIMARY KEY/);
  });

  it.each([
    ['whole', {}, [], /SCAN audit_events USING (COVERING )?INDEX audit_by_time/],
    ['after a cursor', { cursor: true }, [5, 9], /INDEX audit_by_time \(at<\?\)/],
    ['by actor', { actor: true }, ['x'], /INDEX audit_by_actor \(actor=\?\)/],
    [
      'by action',
      { action: true, cursor: true },
      [5, 9, 'x'],
      /INDEX audit_by_action \(action=\? AND at<\?\)/,
    ],
    ['by dates', { from: true, to: true }, [1, 9], /INDEX audit_by_time \(at>\? AND at<\?\)/],
  ] as const)('the audit log %s reads its index in order', (_, filters, values, uses) => {
    const shape = {
      cursor: false,
      actor: false,
      action: false,
      from: false,
      to: false,
      ...filters,
    };
    const text = plan(auditPageStatement(shape), [11, ...values]);
    expect(text).toMatch(uses);
    expect(text).not.toMatch(scansOrSorts);
  });

  it.each([
    [PRUNE_CHALLENGES_BATCH, /challenges_by_expiry \(expires_at<\?\)/],
    [PRUNE_EXPIRED_ENROLMENTS, /mfa_verifier_factors_by_expiry \(status=\? AND expires_at<\?\)/],
    [PRUNE_EXPIRED_SESSIONS_BATCH, /sessions_by_expiry \(expires_at<\?\)/],
    [PRUNE_IDLE_SESSIONS_BATCH, /sessions_by_last_seen \(last_seen_at<\?\)/],
  ])('housekeeping deletes by index: %#', (text, uses) => {
    const shown = plan(text, [1, HOUSEKEEPING_BATCH]);
    expect(shown).toMatch(uses);
    expect(shown).not.toMatch(scansOrSorts);
  });

  it('turning the policy on walks sessions by key, not the users', () => {
    expect(plan(SESSION_WINDOW_END, ['', 10])).toMatch(
      /SEARCH sessions USING (COVERING )?INDEX sqlite_autoindex_sessions_1/,
    );
    const shown = plan(endSessionsWithoutMfaStatement(true), ['', null, 'z']);
    expect(shown).toMatch(
      /SEARCH sessions USING INDEX sqlite_autoindex_sessions_1 \(id>\? AND id<\?\)/,
    );
    expect(shown).toMatch(/SEARCH u USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(shown).not.toMatch(scansOrSorts);
  });
});
