import type { PasswordHasher } from './crypto/passwords.ts';
import type { NewUser, Store } from './store/contract.ts';

/** The demo company of the issue: an admin, employees, client-portal contacts and an SSO user. */
const DEMO_USERS: Omit<NewUser, 'passwordHash'>[] = [
  {
    username: 'admin@demo.test',
    name: 'Ada Admin',
    kind: 'employee',
    role: 'admin',
    authType: 'password',
  },
  {
    username: 'alice@demo.test',
    name: 'Alice Employee',
    kind: 'employee',
    role: 'user',
    authType: 'password',
  },
  {
    username: 'bob@demo.test',
    name: 'Bob Employee',
    kind: 'employee',
    role: 'user',
    authType: 'password',
  },
  {
    username: 'carol@client.test',
    name: 'Carol Contact',
    kind: 'contact',
    role: 'user',
    authType: 'password',
  },
  {
    username: 'dave@client.test',
    name: 'Dave Contact',
    kind: 'contact',
    role: 'user',
    authType: 'password',
  },
  {
    username: 'erin@demo.test',
    name: 'Erin SSO',
    kind: 'employee',
    role: 'user',
    authType: 'saml',
  },
];

/**
 * Seeds the demo company into an empty store (one argon2id hash, shared by the demo logins).
 *
 * @returns the lines to print: who can log in, and how
 * @example if ((await store.countUsers()) === 0) console.log((await seedDemo(store, hasher, 'demo-password', Date.now())).join('\n'));
 */
export async function seedDemo(
  store: Store,
  hasher: PasswordHasher,
  password: string,
  now: number,
): Promise<string[]> {
  const hash = await hasher.hash(password);
  const lines: string[] = [];
  for (const user of DEMO_USERS) {
    const sso = user.authType === 'saml';
    await store.createUser({ ...user, passwordHash: sso ? null : hash }, now);
    const what = sso ? 'SAML SSO, no password' : `${user.role === 'admin' ? 'admin' : user.kind}`;
    lines.push(`  ${user.username.padEnd(20)} ${what}`);
  }
  return lines;
}
