import { hash, verify } from '@node-rs/argon2';
import type { Argon2Params } from '../config/config.ts';

/** Hashes and checks passwords with argon2id. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed hash; never throws. */
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the time of one verification, so unknown users answer as slowly as known ones. */
  burn(password: string): Promise<void>;
}

/**
 * argon2id with the given cost (OWASP: 19 MiB, 2 passes, 1 lane).
 *
 * @example const hasher = createPasswordHasher(config.argon2);
 */
export function createPasswordHasher(params: Argon2Params): PasswordHasher {
  // Algorithm.Argon2id is an ambient const enum (unusable under verbatimModuleSyntax); its value is 2.
  const options = { algorithm: 2 as const, ...params };
  let dummy: Promise<string> | null = null;
  const check = async (h: string, password: string) => {
    try {
      return await verify(h, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => hash(password, options),
    verify: check,
    async burn(password) {
      dummy ??= hash('not-a-real-password', options);
      await check(await dummy, password);
    },
  };
}
