import type { UserStore } from '../contract.ts';
import { toUser, type UserRow } from '../rows.ts';
import {
  COUNT_USERS,
  INSERT_USER,
  SET_PASSWORD_HASH,
  USER_BY_ID,
  USER_BY_USERNAME,
} from '../statements.ts';
import { countUserMatches, listUserPage } from '../user-page.ts';
import { type Pool, query, rowsOn } from './pg-connection.ts';

// Ids in the contract are JavaScript numbers; an id outside int4 can match nothing.
const isId = (id: number) => Number.isInteger(id) && id >= -2_147_483_648 && id <= 2_147_483_647;

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
      return listUserPage('postgres', q, rowsOn(pool));
    },
    async countUserMatches(filters, cap) {
      return countUserMatches('postgres', filters, cap, rowsOn(pool));
    },
  };
}
