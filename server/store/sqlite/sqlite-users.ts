import type Database from 'better-sqlite3';
import type { Store } from '../contract.ts';
import type { UserMethods } from '../method-groups.ts';
import { toUser, toUserListItem, type UserListRow, type UserRow } from '../rows.ts';
import type { Write } from './write-batch.ts';

/** The user methods of the SQLite store. */
export function sqliteUsers(db: Database.Database, write: Write): Pick<Store, UserMethods> {
  const insert = db.prepare(
    `INSERT INTO users (username, name, kind, role, auth_type, password_hash, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING RETURNING *`,
  );
  const byId = db.prepare('SELECT * FROM users WHERE id = ?');
  const byName = db.prepare('SELECT * FROM users WHERE username = ?');
  const count = db.prepare('SELECT count(*) AS n FROM users');
  const setHash = db.prepare('UPDATE users SET password_hash = ? WHERE id = ?');

  return {
    async createUser(u, now) {
      const row = await write(
        () =>
          insert.get(
            u.username.toLowerCase(),
            u.name,
            u.kind,
            u.role,
            u.authType,
            u.passwordHash,
            now,
          ) as UserRow<number> | undefined,
      );
      return row ? toUser(row) : null;
    },
    async getUserById(id) {
      const row = byId.get(id) as UserRow<number> | undefined;
      return row ? toUser(row) : null;
    },
    async getUserByUsername(username) {
      const row = byName.get(username.toLowerCase()) as UserRow<number> | undefined;
      return row ? toUser(row) : null;
    },
    async countUsers() {
      return (count.get() as { n: number }).n;
    },
    async setPasswordHash(userId, hash) {
      return write(() => setHash.run(hash, userId).changes === 1);
    },
    async listUsers(query) {
      const where: string[] = ['u.id > ?'];
      const params: (string | number)[] = [query.cursor ?? 0];
      if (query.kind) {
        where.push('u.kind = ?');
        params.push(query.kind);
      }
      if (query.mfa) {
        where.push(`${query.mfa === 'enabled' ? '' : 'NOT '}EXISTS (SELECT 1 FROM factors f
          WHERE f.user_id = u.id AND f.status = 'active')`);
      }
      if (query.q) {
        where.push(`(u.username LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')`);
        const like = `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
        params.push(like, like);
      }
      const rows = db
        .prepare(
          `SELECT u.id, u.username, u.name, u.kind, u.role, u.auth_type,
             EXISTS (SELECT 1 FROM factors f WHERE f.user_id = u.id AND f.status = 'active') AS mfa
           FROM users u WHERE ${where.join(' AND ')} ORDER BY u.id LIMIT ?`,
        )
        .all(...params, query.limit + 1) as UserListRow<number>[];
      const page = rows.slice(0, query.limit);
      const users = page.map(toUserListItem);
      const last = page.at(-1);
      return { users, nextCursor: rows.length > query.limit && last ? last.id : null };
    },
  };
}
