import { createPasswordHasher } from '../../../server/crypto/passwords.ts';
import type { NewUser } from '../../../server/store/contract.ts';
import { openPostgresStore } from '../../../server/store/postgres/postgres-store.ts';

export const PASSWORD = 'correct horse battery staple';

/**
 * Creates users straight in the shared database before the instances start: an admin and the
 * given password users. Cheap argon2 parameters (the server reads them from each hash) keep the
 * logins fast. Returns their ids by username.
 *
 * @example const ids = await seedUsers(db.url, ['alice@x.test']);
 */
export async function seedUsers(
  url: string,
  usernames: string[],
  admin = 'admin@x.test',
): Promise<Map<string, number>> {
  const store = openPostgresStore({ url, poolSize: 2 });
  const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const passwordHash = await hasher.hash(PASSWORD);
  const ids = new Map<string, number>();
  try {
    await store.migrate();
    for (const username of [admin, ...usernames]) {
      const user: NewUser = {
        username,
        name: username.split('@')[0] ?? username,
        kind: 'employee',
        role: username === admin ? 'admin' : 'user',
        authType: 'password',
        passwordHash,
      };
      const created = await store.createUser(user, Date.now());
      if (!created) throw new Error(`could not create ${username}`);
      ids.set(username, created.id);
    }
  } finally {
    await store.close();
  }
  return ids;
}
