import type { UserStore } from '../contract.ts';
import { toUser, toUserListItem, type UserListRow, type UserRow } from '../rows.ts';
import {
  COUNT_USERS,
  INSERT_USER,
  SET_PASSWORD_HASH,
  USER_BY_ID,
  USER_BY_USERNAME,
} from '../statements.ts';
import { type Pool, query } from './pg-connection.ts';

// Ids in the contract are JavaScript numbers; an id outside int4 can match nothing.
const isId = (id: number) => Number.isInteger(id) && id >= -2_147_483_648 && id <= 2_147_483_647;

// One text for every filter combination: a filter left null matches every row.
const LIST_USERS = `
  SELECT u.id, u.username, u.name, u.kind, u.role, u.auth_type,
    EXISTS (SELECT 1 FROM factors f WHERE f.user_id = u.id AND f.status = 'active') AS mfa
  FROM users u
  WHERE u.id > $1
    AND ($2::text IS NULL OR u.kind = $2)
    AND ($3::boolean IS NULL OR EXISTS (
      SELECT 1 FROM factors f WHERE f.user_id = u.id AND f.status = 'active') = $3)
    AND ($4::text IS NULL OR u.username ILIKE $4 ESCAPE '\\' OR u.name ILIKE $4 ESCAPE '\\')
  ORDER BY u.id LIMIT $5`;

/** The user methods of the PostgreSQL store. */
export function pgUsers(pool: Pool): UserStore {
  const oneUser = async (text: string, values: unknown[]) => {
    const { rows } = await query<UserRow<boolean>>(pool, text, values);
    return rows[0] ? toUser(rows[0]) : null;
  };
  return {
    async createUser(u, now) {
      // The unique constraint decides between concurrent creators on every instance.
      return oneUser(INSERT_USER, [
        u.username.toLowerCase(),
        u.name,
        u.kind,
        u.role,
        u.authType,
        u.passwordHash,
        now,
      ]);
    },
    async getUserById(id) {
      if (!isId(id)) return null;
      return oneUser(USER_BY_ID, [id]);
    },
    async getUserByUsername(username) {
      return oneUser(USER_BY_USERNAME, [username.toLowerCase()]);
    },
    async countUsers() {
      const { rows } = await query<{ n: number }>(pool, COUNT_USERS);
      return rows[0]?.n ?? 0;
    },
    async setPasswordHash(userId, hash) {
      if (!isId(userId)) return false;
      const result = await query(pool, SET_PASSWORD_HASH, [userId, hash]);
      return result.rowCount === 1;
    },
    async listUsers(q) {
      const like = q.q ? `%${q.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
      const mfa = q.mfa === undefined ? null : q.mfa === 'enabled';
      const { rows } = await query<UserListRow<boolean>>(pool, LIST_USERS, [
        q.cursor ?? 0,
        q.kind ?? null,
        mfa,
        like,
        q.limit + 1,
      ]);
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        users: page.map(toUserListItem),
        nextCursor: rows.length > q.limit && last ? last.id : null,
      };
    },
  };
}
