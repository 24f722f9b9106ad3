import type Database from 'better-sqlite3';
import type { Store } from '../contract.ts';
import type { ChallengeRecord, FailureState } from '../types.ts';

interface ChallengeRow {
  id: string;
  user_id: number;
  kind: ChallengeRecord['kind'];
  binding: string;
  created_at: number;
  expires_at: number;
  failures: number;
  consumed_at: number | null;
}

type GuardMethods =
  | 'getFailureState'
  | 'recordFailure'
  | 'clearFailures'
  | 'hitRateLimit'
  | 'createChallenge'
  | 'getChallenge'
  | 'recordChallengeFailure'
  | 'consumeChallenge';

/** Failure counters, lockouts, rate limits and login challenges of the SQLite store. */
export function sqliteGuards(db: Database.Database): Pick<Store, GuardMethods> {
  const getFailures = db.prepare(
    'SELECT count, locked_until FROM failure_counters WHERE user_id = ? AND kind = ?',
  );
  const bumpFailures = db.prepare(
    `INSERT INTO failure_counters (user_id, kind, count) VALUES (?, ?, 1)
     ON CONFLICT (user_id, kind) DO UPDATE SET count = count + 1
     RETURNING count, locked_until`,
  );
  const lock = db.prepare(
    'UPDATE failure_counters SET count = 0, locked_until = ? WHERE user_id = ? AND kind = ?',
  );
  const clear = db.prepare(
    'UPDATE failure_counters SET count = 0 WHERE user_id = ? AND kind = ? AND count <> 0',
  );
  const hit = db.prepare(
    `INSERT INTO rate_limits (key, window_start, window_end, count) VALUES (?, ?, ?, 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
       window_start = excluded.window_start, window_end = excluded.window_end
     RETURNING count`,
  );
  const insertChallenge = db.prepare(
    `INSERT INTO challenges (id, user_id, kind, binding, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const getChallenge = db.prepare('SELECT * FROM challenges WHERE id = ?');
  const failChallenge = db.prepare(
    'UPDATE challenges SET failures = failures + 1 WHERE id = ? RETURNING failures',
  );
  const consume = db.prepare(
    `UPDATE challenges SET consumed_at = ?
     WHERE id = ? AND consumed_at IS NULL AND expires_at > ? AND failures < ?`,
  );

  const state = (
    row: { count: number; locked_until: number | null } | undefined,
  ): FailureState => ({
    count: row?.count ?? 0,
    lockedUntil: row?.locked_until ?? null,
  });

  return {
    async getFailureState(userId, kind) {
      return state(getFailures.get(userId, kind) as Parameters<typeof state>[0]);
    },
    async recordFailure(userId, kind, now, { threshold, lockMs }) {
      return db
        .transaction((): FailureState => {
          const row = bumpFailures.get(userId, kind) as {
            count: number;
            locked_until: number | null;
          };
          if (row.count < threshold) return state(row);
          lock.run(now + lockMs, userId, kind);
          return { count: 0, lockedUntil: now + lockMs };
        })
        .immediate();
    },
    async clearFailures(userId, kind) {
      clear.run(userId, kind);
    },
    async hitRateLimit(key, now, { limit, windowMs }) {
      const windowStart = Math.floor(now / windowMs) * windowMs;
      const { count } = hit.get(key, windowStart, windowStart + windowMs) as { count: number };
      return {
        allowed: count <= limit,
        retryAfterMs: count <= limit ? 0 : windowStart + windowMs - now,
      };
    },
    async createChallenge(c) {
      insertChallenge.run(c.id, c.userId, c.kind, c.binding, c.createdAt, c.expiresAt);
    },
    async getChallenge(id) {
      const r = getChallenge.get(id) as ChallengeRow | undefined;
      if (!r) return null;
      return {
        id: r.id,
        userId: r.user_id,
        kind: r.kind,
        binding: r.binding,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        failures: r.failures,
        consumedAt: r.consumed_at,
      };
    },
    async recordChallengeFailure(id, maxFailures) {
      const row = failChallenge.get(id) as { failures: number } | undefined;
      const failures = row?.failures ?? maxFailures;
      return { failures, ended: failures >= maxFailures };
    },
    async consumeChallenge(id, now, maxFailures) {
      return consume.run(now, id, now, maxFailures).changes === 1;
    },
  };
}
