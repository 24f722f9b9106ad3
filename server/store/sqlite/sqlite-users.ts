import type Database from 'better-sqlite3';
import type { UserStore } from '../contract.ts';
import { toUser, type UserRow } from '../rows.ts';
import {
  COUNT_USERS,
  INSERT_USER,
  SET_PASSWORD_HASH,
  USER_BY_ID,
  USER_BY_USERNAME,
} from '../statements.ts';
import { countUserMatches, listUserPage, type RunRows } from '../user-page.ts';
import { statement } from './statement.ts';
import type { Write } from './write-batch.ts';

/** The user methods of the SQLite store; the listing reads through `reads` (the read thread). */
export function sqliteUsers(db: Database.Database, write: Write, reads: RunRows): UserStore {
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
      return listUserPage('sqlite', query, reads);
    },
    async countUserMatches(filters, cap) {
      return countUserMatches('sqlite', filters, cap, reads);
    },
  };
}
