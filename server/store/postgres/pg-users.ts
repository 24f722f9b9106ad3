import type { Store } from '../contract.ts';
import type { UserMethods } from '../method-groups.ts';
import { toUser, toUserListItem, type UserListRow, type UserRow } from '../rows.ts';
import type { Sql } from './pg-connection.ts';

// Ids in the contract are JavaScript numbers; an id outside int4 can match nothing.
const isId = (id: number) => Number.isInteger(id) && id >= -2_147_483_648 && id <= 2_147_483_647;

/** The user methods of the PostgreSQL store. */
export function pgUsers(sql: Sql): Pick<Store, UserMethods> {
  return {
    async createUser(u, now) {
      // The unique constraint decides between concurrent creators on every instance.
      const rows = await sql<UserRow<boolean>[]>`
        INSERT INTO users (username, name, kind, role, auth_type, password_hash, created_at)
        VALUES (${u.username.toLowerCase()}, ${u.name}, ${u.kind}, ${u.role}, ${u.authType},
                ${u.passwordHash}, ${now})
        ON CONFLICT (username) DO NOTHING RETURNING *`;
      return rows[0] ? toUser(rows[0]) : null;
    },
    async getUserById(id) {
      if (!isId(id)) return null;
      const rows = await sql<UserRow<boolean>[]>`SELECT * FROM users WHERE id = ${id}`;
      return rows[0] ? toUser(rows[0]) : null;
    },
    async getUserByUsername(username) {
      const rows = await sql<UserRow<boolean>[]>`
        SELECT * FROM users WHERE username = ${username.toLowerCase()}`;
      return rows[0] ? toUser(rows[0]) : null;
    },
    async countUsers() {
      const [row] = await sql<{ n: number }[]>`SELECT count(*) AS n FROM users`;
      return row?.n ?? 0;
    },
    async setPasswordHash(userId, hash) {
      if (!isId(userId)) return false;
      const result = await sql`UPDATE users SET password_hash = ${hash} WHERE id = ${userId}`;
      return result.count === 1;
    },
    async listUsers(query) {
      const like = query.q ? `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
      const active = sql`EXISTS (SELECT 1 FROM factors f WHERE f.user_id = u.id AND f.status = 'active')`;
      const rows = await sql<UserListRow<boolean>[]>`
        SELECT u.id, u.username, u.name, u.kind, u.role, u.auth_type, ${active} AS mfa
        FROM users u
        WHERE u.id > ${query.cursor ?? 0}
          ${query.kind ? sql`AND u.kind = ${query.kind}` : sql``}
          ${query.mfa === 'enabled' ? sql`AND ${active}` : sql``}
          ${query.mfa === 'disabled' ? sql`AND NOT ${active}` : sql``}
          ${like ? sql`AND (u.username ILIKE ${like} ESCAPE '\\' OR u.name ILIKE ${like} ESCAPE '\\')` : sql``}
        ORDER BY u.id LIMIT ${query.limit + 1}`;
      const page = rows.slice(0, query.limit);
      const users = page.map(toUserListItem);
      const last = page.at(-1);
      return { users, nextCursor: rows.length > query.limit && last ? last.id : null };
    },
  };
}
