import type Database from 'better-sqlite3';
import type { UserStore } from '../contract.ts';
import { toUser, toUserListItem, type UserListRow, type UserRow } from '../rows.ts';
import {
  COUNT_USERS,
  INSERT_USER,
  SET_PASSWORD_HASH,
  USER_BY_ID,
  USER_BY_USERNAME,
} from '../statements.ts';
import { statement } from './statement.ts';
import type { Write } from './write-batch.ts';

/** The user methods of the SQLite store. */
export function sqliteUsers(db: Database.Database, write: Write): UserStore {
  const insert = statement<UserRow<number>>(db, INSERT_USER);
  const byId = statement<UserRow<number>>(db, USER_BY_ID);
  const byName = statement<UserRow<number>>(db, USER_BY_USERNAME);
  const count = statement<{ n: number }>(db, COUNT_USERS);
  const setHash = statement(db, SET_PASSWORD_HASH);

  return {
    async createUser(u, now) {
      const row = await write(() =>
        insert.get(
          u.username.toLowerCase(),
          u.name,
          u.kind,
          u.role,
          u.authType,
          u.passwordHash,
          now,
        ),
      );
      return row ? toUser(row) : null;
    },
    async getUserById(id) {
      const row = byId.get(id);
      return row ? toUser(row) : null;
    },
    async getUserByUsername(username) {
      const row = byName.get(username.toLowerCase());
      return row ? toUser(row) : null;
    },
    async countUsers() {
      return count.get()?.n ?? 0;
    },
    async setPasswordHash(userId, hash) {
      return write(() => setHash.run(userId, hash).changes === 1);
    },
    async listUsers(query) {
      // Built per query: SQLite plans each filter combination best on its own text.
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
