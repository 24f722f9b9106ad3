import type { Store } from '../contract.ts';
import type { UserListItem, UserRecord } from '../types.ts';
import type { Sql } from './pg-connection.ts';

interface UserRow {
  id: number;
  username: string;
  name: string;
  kind: UserRecord['kind'];
  role: UserRecord['role'];
  auth_type: UserRecord['authType'];
  password_hash: string | null;
  must_setup_mfa: boolean;
  created_at: number;
}

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  name: r.name,
  kind: r.kind,
  role: r.role,
  authType: r.auth_type,
  passwordHash: r.password_hash,
  mustSetupMfa: r.must_setup_mfa,
  createdAt: r.created_at,
});

// Ids in the contract are JavaScript numbers; an id outside int4 can match nothing.
const isId = (id: number) => Number.isInteger(id) && id >= -2_147_483_648 && id <= 2_147_483_647;

/** The user methods of the PostgreSQL store. */
export function pgUsers(
  sql: Sql,
): Pick<
  Store,
  | 'createUser'
  | 'getUserById'
  | 'getUserByUsername'
  | 'countUsers'
  | 'setPasswordHash'
  | 'listUsers'
> {
  return {
    async createUser(u, now) {
      // The unique constraint decides between concurrent creators on every instance.
      const rows = await sql<UserRow[]>`
        INSERT INTO users (username, name, kind, role, auth_type, password_hash, created_at)
        VALUES (${u.username.toLowerCase()}, ${u.name}, ${u.kind}, ${u.role}, ${u.authType},
                ${u.passwordHash}, ${now})
        ON CONFLICT (username) DO NOTHING RETURNING *`;
      return rows[0] ? toUser(rows[0]) : null;
    },
    async getUserById(id) {
      if (!isId(id)) return null;
      const rows = await sql<UserRow[]>`SELECT * FROM users WHERE id = ${id}`;
      return rows[0] ? toUser(rows[0]) : null;
    },
    async getUserByUsername(username) {
      const rows = await sql<UserRow[]>`
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
      const rows = await sql<(Omit<UserRow, 'password_hash'> & { mfa: boolean })[]>`
        SELECT u.id, u.username, u.name, u.kind, u.role, u.auth_type, ${active} AS mfa
        FROM users u
        WHERE u.id > ${query.cursor ?? 0}
          ${query.kind ? sql`AND u.kind = ${query.kind}` : sql``}
          ${query.mfa === 'enabled' ? sql`AND ${active}` : sql``}
          ${query.mfa === 'disabled' ? sql`AND NOT ${active}` : sql``}
          ${like ? sql`AND (u.username ILIKE ${like} ESCAPE '\\' OR u.name ILIKE ${like} ESCAPE '\\')` : sql``}
        ORDER BY u.id LIMIT ${query.limit + 1}`;
      const page = rows.slice(0, query.limit);
      const users: UserListItem[] = page.map((r) => ({
        id: r.id,
        username: r.username,
        name: r.name,
        kind: r.kind,
        role: r.role,
        authType: r.auth_type,
        mfaEnabled: r.mfa,
      }));
      const last = page.at(-1);
      return { users, nextCursor: rows.length > query.limit && last ? last.id : null };
    },
  };
}
