/**
 * `npm run admin -- <command>`: manage users of a real deployment from the shell, on the same
 * store and configuration as the server (it may run while the server does).
 *
 *   create-user  <username> --name "Full Name" [--kind employee|contact] [--role admin|user] [--saml]
 *   create-admin <username> --name "Full Name"
 *   set-password <username>
 *   reset-mfa    <username>
 *   list-users
 *
 * Passwords are read from stdin when piped (`--password-stdin`), otherwise generated and printed once.
 */

import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { disableFlow } from '../../sdk/verifier/factor-flows.ts';
import { ConfigError, readConfig } from '../config/config.ts';
import { createPasswordHasher } from '../crypto/passwords.ts';
import type { Store } from '../store/contract.ts';
import { openStore } from '../store/open-store.ts';
import { endSessionsWrites, SET_MUST_SETUP_MFA } from '../store/statements.ts';

const usage = `usage: npm run admin -- <command>
  create-user  <username> --name "Full Name" [--kind employee|contact] [--role admin|user] [--saml] [--password-stdin]
  create-admin <username> --name "Full Name" [--password-stdin]
  set-password <username> [--password-stdin]
  reset-mfa    <username>
  list-users`;

class UsageError extends Error {}

async function readPassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: randomBytes(15).toString('base64url'), generated: true };
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  const password = text.replace(/\r?\n$/, '');
  if (password.length < 8) throw new UsageError('the password must be at least 8 characters');
  return { password, generated: false };
}

async function run(store: Store, argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      kind: { type: 'string', default: 'employee' },
      role: { type: 'string', default: 'user' },
      saml: { type: 'boolean', default: false },
      'password-stdin': { type: 'boolean', default: false },
    },
  });
  const [command, username] = positionals;
  const config = readConfig();
  const hasher = createPasswordHasher(config.argon2);
  const needUser = () => {
    if (!username) throw new UsageError(`${command} needs a username`);
    return username;
  };
  switch (command) {
    case 'create-user':
    case 'create-admin': {
      const name = values.name;
      const role = command === 'create-admin' ? 'admin' : values.role;
      if (!name) throw new UsageError('--name is required');
      if (values.kind !== 'employee' && values.kind !== 'contact')
        throw new UsageError('--kind must be employee or contact');
      if (role !== 'admin' && role !== 'user') throw new UsageError('--role must be admin or user');
      const saml = values.saml;
      const secret = saml ? null : await readPassword(values['password-stdin']);
      const user = await store.createUser(
        {
          username: needUser(),
          name,
          kind: values.kind,
          role,
          authType: saml ? 'saml' : 'password',
          passwordHash: secret ? await hasher.hash(secret.password) : null,
        },
        Date.now(),
      );
      if (!user) throw new UsageError(`${username} already exists`);
      const shown = secret?.generated ? `; password (shown once): ${secret.password}` : '';
      return `created ${user.role} ${user.username} (id ${user.id}, ${user.kind}, ${user.authType})${shown}`;
    }
    case 'set-password': {
      const user = await store.getUserByUsername(needUser());
      if (user?.authType !== 'password') throw new UsageError(`no password user ${username}`);
      const secret = await readPassword(values['password-stdin']);
      await store.setPasswordHash(user.id, await hasher.hash(secret.password));
      await store.endUserSessions(user.id, undefined, 'password_changed');
      return `password of ${user.username} replaced${secret.generated ? ` (shown once): ${secret.password}` : ''}`;
    }
    case 'reset-mfa': {
      const user = await store.getUserByUsername(needUser());
      if (!user) throw new UsageError(`no user ${username}`);
      await store.runFactorFlow(disableFlow(String(user.id)), () => [
        { text: SET_MUST_SETUP_MFA, values: [user.id] },
        ...endSessionsWrites(user.id, undefined, 'mfa_changed'),
      ]);
      await store.appendAudit([
        { at: Date.now(), actor: 'cli', action: 'mfa.reset', target: user.username, ip: 'local' },
      ]);
      return `MFA of ${user.username} reset: set-up required at the next login`;
    }
    case 'list-users': {
      const lines: string[] = [];
      let cursor: number | undefined;
      do {
        const page = await store.listUsers({ limit: 200, cursor });
        for (const u of page.users) {
          lines.push(
            `${String(u.id).padStart(5)}  ${u.username.padEnd(30)} ${u.kind.padEnd(8)} ${u.role.padEnd(5)} ${u.authType.padEnd(8)} mfa:${u.mfaEnabled ? 'on' : 'off'}`,
          );
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return lines.join('\n') || '(no users)';
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

async function main() {
  let store: Store | undefined;
  try {
    const config = readConfig();
    process.umask(0o077);
    // The same store as the server: PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR.
    store = await openStore(config);
    console.log(await run(store, process.argv.slice(2)));
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(
        `admin: ${(error as Error).message}\n${error instanceof ConfigError ? '' : usage}`.trim(),
      );
      process.exitCode = 1;
    } else throw error;
  } finally {
    await store?.close();
  }
}

await main();
